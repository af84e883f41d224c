/*
 * Sáu Rõ — small progressive enhancements; every page works without them.
 *
 * Loaded in <head> without "defer" so the "js" class is on <html> before the first paint (no flash of the
 * open menu or the expanded tree); everything else waits for the DOM and uses event delegation, so it keeps
 * working after htmx swaps part of the page. User-visible text comes from data-* attributes rendered by the
 * templates (translated there), never from this file.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // The dashboard's compact league table, remembered in this browser: the class is set before the first paint.
  var COMPACT_KEY = "sauro.dashboard.compact";
  function storedCompact() {
    try {
      return window.localStorage.getItem(COMPACT_KEY) === "1";
    } catch (e) {
      return false; // storage refused (private mode, policy): the full table
    }
  }
  document.documentElement.classList.toggle("dash-compact", storedCompact());

  /** Lower-case, without Vietnamese diacritics: "Phú Xuân" and "phu xuan" compare equal. */
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  // --- Main menu on narrow screens -------------------------------------------------------------------

  function setMenu(toggle, open) {
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  // --- Unit tree -------------------------------------------------------------------------------------

  function setExpanded(node, expanded) {
    var toggle = node.querySelector(":scope > .tree-row > [data-tree-toggle]");
    if (!toggle) return;
    node.classList.toggle("is-collapsed", !expanded);
    toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
  }

  function treeNodes(tree) {
    return Array.prototype.slice.call(tree.querySelectorAll(".tree-node"));
  }

  function filterTree(input) {
    var tree = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.getAttribute("data-status"));
    if (!tree) return;
    var query = fold(input.value);
    var nodes = treeNodes(tree);

    if (!query) {
      nodes.forEach(function (node) {
        node.hidden = false;
        node.classList.remove("is-match");
        if (node.hasAttribute("data-was-collapsed")) {
          setExpanded(node, node.getAttribute("data-was-collapsed") !== "true");
          node.removeAttribute("data-was-collapsed");
        }
      });
      tree.querySelectorAll(".tree-group").forEach(function (group) {
        group.hidden = false;
      });
      if (status) status.textContent = "";
      return;
    }

    // Remember the expanded state once, to restore it when the search box is cleared.
    nodes.forEach(function (node) {
      if (!node.hasAttribute("data-was-collapsed")) {
        node.setAttribute("data-was-collapsed", node.classList.contains("is-collapsed") ? "true" : "false");
      }
    });

    // Children come after their parents in document order: walk backwards so each node knows
    // whether something below it matched.
    var matches = 0;
    for (var i = nodes.length - 1; i >= 0; i--) {
      var node = nodes[i];
      var own = (node.getAttribute("data-search") || "").indexOf(query) !== -1;
      var below = node.querySelector(":scope > .tree-children .tree-node:not([hidden])") !== null;
      node.hidden = !(own || below);
      node.classList.toggle("is-match", own);
      if (below) setExpanded(node, true);
      if (own) matches++;
    }
    tree.querySelectorAll(".tree-group").forEach(function (group) {
      group.hidden = group.querySelector(".tree-node:not([hidden])") === null;
    });
    if (status) {
      var template = matches ? status.getAttribute("data-found") : status.getAttribute("data-none");
      status.textContent = (template || "").replace("{n}", String(matches));
    }
  }

  // --- Dashboard: compact league table, folded units -------------------------------------------------

  function setCompact(compact) {
    document.documentElement.classList.toggle("dash-compact", compact);
    document.querySelectorAll("[data-compact-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", compact ? "true" : "false");
    });
    try {
      if (compact) window.localStorage.setItem(COMPACT_KEY, "1");
      else window.localStorage.removeItem(COMPACT_KEY);
    } catch (e) {
      /* not remembered: still applied to this page */
    }
  }

  function setFolded(toggle, folded) {
    var body = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!body) return;
    body.classList.toggle("is-folded", folded);
    toggle.setAttribute("aria-expanded", folded ? "false" : "true");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var compact = document.documentElement.classList.contains("dash-compact");
    document.querySelectorAll("[data-compact-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", compact ? "true" : "false");
    });
  });

  // --- Wiring ----------------------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;

    if (target.closest("[data-print]")) {
      window.print();
      return;
    }

    var compactToggle = target.closest("[data-compact-toggle]");
    if (compactToggle) {
      setCompact(compactToggle.getAttribute("aria-pressed") !== "true");
      return;
    }

    var foldToggle = target.closest("[data-fold-toggle]");
    if (foldToggle) {
      setFolded(foldToggle, foldToggle.getAttribute("aria-expanded") === "true");
      return;
    }

    var navToggle = target.closest("[data-nav-toggle]");
    if (navToggle) {
      setMenu(navToggle, navToggle.getAttribute("aria-expanded") !== "true");
      return;
    }

    var treeToggle = target.closest("[data-tree-toggle]");
    if (treeToggle) {
      var node = treeToggle.closest(".tree-node");
      setExpanded(node, treeToggle.getAttribute("aria-expanded") !== "true");
      return;
    }

    var all = target.closest("[data-tree-all]");
    if (all) {
      var tree = document.getElementById(all.getAttribute("aria-controls"));
      if (!tree) return;
      var expand = all.getAttribute("data-tree-all") === "expand";
      treeNodes(tree).forEach(function (n) {
        setExpanded(n, expand);
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var toggle = document.querySelector("[data-nav-toggle][aria-expanded='true']");
    if (toggle) {
      setMenu(toggle, false);
      toggle.focus();
    }
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-tree-filter")) {
      filterTree(target);
    }
  });

  // A search box must not submit a form when Enter is pressed: the filter is already live.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLInputElement && target.hasAttribute("data-tree-filter")) {
      event.preventDefault();
    }
  });

  // After htmx replaces the tree (e.g. "show former units"), apply the current search again.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("input[data-tree-filter]").forEach(function (input) {
      if (input.value) filterTree(input);
    });
  });
})();
