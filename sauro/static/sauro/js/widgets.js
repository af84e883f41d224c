/*
 * Sáu Rõ — the form widgets of common/widgets.py, enhanced; every form works without this file.
 *
 * - Dates (DateInput): a text box in dd/mm/yyyy; a button beside it opens a small month calendar. Picking a day
 *   writes it into the box, day first, whatever the browser's language.
 * - Multi-selects (SearchableSelectMultiple): the <select multiple> stays in the form (hidden) and is drawn as a
 *   filter box and a list of checkboxes, which works with a tap on a phone (no Ctrl key).
 *
 * User-visible words come from data-* attributes rendered (translated) by the widgets, never from this file.
 * Event delegation and a pass after each htmx swap keep it working on parts of a page replaced by htmx.
 */
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- Dates -----------------------------------------------------------------------------------------------

  /** The day typed in the box (dd/mm/yyyy, or ISO), or null. */
  function parseDay(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text);
    var d, mo, y;
    if (m) {
      d = +m[1];
      mo = +m[2];
      y = +m[3];
    } else {
      m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
      if (!m) return null;
      y = +m[1];
      mo = +m[2];
      d = +m[3];
    }
    var day = new Date(y, mo - 1, d);
    if (day.getFullYear() !== y || day.getMonth() !== mo - 1 || day.getDate() !== d) return null;
    return day;
  }

  function formatDay(day) {
    return pad(day.getDate()) + "/" + pad(day.getMonth() + 1) + "/" + day.getFullYear();
  }

  function setupDate(wrapper) {
    if (wrapper.hasAttribute("data-ready")) return;
    wrapper.setAttribute("data-ready", "");
    var input = wrapper.querySelector("input");
    if (!input) return;
    var button = el("button", "date-open");
    button.type = "button";
    button.setAttribute("aria-label", wrapper.getAttribute("data-open") || "");
    button.setAttribute("title", wrapper.getAttribute("data-open") || "");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("data-date-open", "");
    button.appendChild(el("span", "date-open-icon"));
    button.disabled = input.disabled;
    input.insertAdjacentElement("afterend", button);
  }

  function closeCalendars(except) {
    document.querySelectorAll(".date-calendar").forEach(function (cal) {
      if (cal === except) return;
      var wrapper = cal.closest(".date-field");
      cal.remove();
      var button = wrapper && wrapper.querySelector("[data-date-open]");
      if (button) button.setAttribute("aria-expanded", "false");
    });
  }

  function drawCalendar(wrapper, cal, month) {
    var input = wrapper.querySelector("input");
    var months = (wrapper.getAttribute("data-months") || "").split("|");
    var weekdays = (wrapper.getAttribute("data-weekdays") || "").split("|");
    var chosen = parseDay(input.value);
    var today = new Date();
    cal.textContent = "";
    cal.setAttribute("data-month", month.getFullYear() + "-" + (month.getMonth() + 1));

    var head = el("div", "date-calendar-head");
    var prev = el("button", "date-nav", "‹");
    prev.type = "button";
    prev.setAttribute("aria-label", wrapper.getAttribute("data-prev") || "");
    prev.setAttribute("data-date-step", "-1");
    var next = el("button", "date-nav", "›");
    next.type = "button";
    next.setAttribute("aria-label", wrapper.getAttribute("data-next") || "");
    next.setAttribute("data-date-step", "1");
    var title = el("span", "date-calendar-title", (months[month.getMonth()] || month.getMonth() + 1) + " / " + month.getFullYear());
    title.setAttribute("aria-live", "polite");
    head.appendChild(prev);
    head.appendChild(title);
    head.appendChild(next);
    cal.appendChild(head);

    var grid = el("div", "date-grid");
    grid.setAttribute("role", "grid");
    weekdays.forEach(function (w) {
      grid.appendChild(el("span", "date-weekday", w));
    });
    // Monday first: the first cell is the Monday on or before the 1st.
    var first = new Date(month.getFullYear(), month.getMonth(), 1);
    var offset = (first.getDay() + 6) % 7;
    for (var i = 0; i < offset; i++) grid.appendChild(el("span", "date-blank"));
    var days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
    for (var d = 1; d <= days; d++) {
      var day = new Date(month.getFullYear(), month.getMonth(), d);
      var cell = el("button", "date-day", String(d));
      cell.type = "button";
      cell.setAttribute("data-date-pick", formatDay(day));
      cell.setAttribute("aria-label", formatDay(day));
      if (chosen && +chosen === +day) {
        cell.classList.add("is-chosen");
        cell.setAttribute("aria-pressed", "true");
      }
      if (day.toDateString() === today.toDateString()) cell.classList.add("is-today");
      grid.appendChild(cell);
    }
    cal.appendChild(grid);

    var foot = el("div", "date-calendar-foot");
    var todayButton = el("button", "button button--secondary button--small", wrapper.getAttribute("data-today") || "");
    todayButton.type = "button";
    todayButton.setAttribute("data-date-pick", formatDay(today));
    var close = el("button", "button button--secondary button--small", wrapper.getAttribute("data-close") || "");
    close.type = "button";
    close.setAttribute("data-date-close", "");
    foot.appendChild(todayButton);
    foot.appendChild(close);
    cal.appendChild(foot);
  }

  function openCalendar(wrapper) {
    var input = wrapper.querySelector("input");
    var button = wrapper.querySelector("[data-date-open]");
    var existing = wrapper.querySelector(".date-calendar");
    closeCalendars(null);
    if (existing) return;
    var chosen = parseDay(input.value) || new Date();
    var cal = el("div", "date-calendar");
    cal.setAttribute("role", "dialog");
    cal.setAttribute("aria-label", wrapper.getAttribute("data-open") || "");
    wrapper.appendChild(cal);
    drawCalendar(wrapper, cal, new Date(chosen.getFullYear(), chosen.getMonth(), 1));
    if (button) button.setAttribute("aria-expanded", "true");
    var focus = cal.querySelector(".date-day.is-chosen") || cal.querySelector(".date-day.is-today") || cal.querySelector(".date-day");
    if (focus) focus.focus();
  }

  function pick(wrapper, text) {
    var input = wrapper.querySelector("input");
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    closeCalendars(null);
    input.focus();
  }

  // --- Searchable multi-select -----------------------------------------------------------------------------

  function setupMulti(wrapper) {
    if (wrapper.hasAttribute("data-ready")) return;
    var select = wrapper.querySelector("select[multiple]");
    if (!select) return;
    wrapper.setAttribute("data-ready", "");
    var id = select.id || select.name;

    var filter = el("input", "multi-filter");
    filter.type = "search";
    filter.setAttribute("placeholder", wrapper.getAttribute("data-placeholder") || "");
    filter.setAttribute("autocomplete", "off");
    filter.setAttribute("data-multi-filter", "");

    var summary = el("p", "multi-summary muted");
    summary.setAttribute("aria-live", "polite");

    var list = el("ul", "multi-options");
    list.setAttribute("role", "group");
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    if (label) {
      if (!label.id) label.id = id + "-label";
      list.setAttribute("aria-labelledby", label.id);
      label.setAttribute("for", id + "-filter");
    } else {
      filter.setAttribute("aria-label", wrapper.getAttribute("data-placeholder") || "");
    }
    filter.id = id + "-filter";

    Array.prototype.forEach.call(select.options, function (option, index) {
      var item = el("li", "multi-option");
      item.setAttribute("data-search", fold(option.textContent || ""));
      var box = el("input");
      box.type = "checkbox";
      box.id = id + "-opt-" + index;
      box.checked = option.selected;
      box.disabled = option.disabled || select.disabled;
      box.setAttribute("data-multi-index", String(index));
      var text = el("label", "", option.textContent || "");
      text.setAttribute("for", box.id);
      item.appendChild(box);
      item.appendChild(text);
      list.appendChild(item);
    });

    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.classList.add("multi-native");
    wrapper.appendChild(filter);
    wrapper.appendChild(summary);
    wrapper.appendChild(list);
    var help = wrapper.querySelector(".multi-help");
    if (help) help.hidden = true;
    updateSummary(wrapper);
  }

  function updateSummary(wrapper) {
    var select = wrapper.querySelector("select[multiple]");
    var summary = wrapper.querySelector(".multi-summary");
    if (!select || !summary) return;
    var n = Array.prototype.filter.call(select.options, function (o) {
      return o.selected;
    }).length;
    summary.textContent = (wrapper.getAttribute("data-chosen") || "{n}").replace("{n}", String(n));
  }

  function filterMulti(input) {
    var wrapper = input.closest(".multi-select");
    var query = fold(input.value);
    wrapper.querySelectorAll(".multi-option").forEach(function (item) {
      item.hidden = query !== "" && (item.getAttribute("data-search") || "").indexOf(query) === -1;
    });
  }

  // --- Wiring ----------------------------------------------------------------------------------------------

  function setupAll(root) {
    root.querySelectorAll(".date-field").forEach(setupDate);
    root.querySelectorAll(".multi-select").forEach(setupMulti);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var wrapper = target.closest(".date-field");
    if (!wrapper) {
      if (!target.closest(".date-calendar")) closeCalendars(null);
      return;
    }
    if (target.closest("[data-date-open]")) {
      openCalendar(wrapper);
      return;
    }
    var step = target.closest("[data-date-step]");
    if (step) {
      var cal = wrapper.querySelector(".date-calendar");
      var parts = (cal.getAttribute("data-month") || "").split("-");
      var month = new Date(+parts[0], +parts[1] - 1 + +step.getAttribute("data-date-step"), 1);
      drawCalendar(wrapper, cal, month);
      var again = cal.querySelector("[data-date-step='" + step.getAttribute("data-date-step") + "']");
      if (again) again.focus();
      return;
    }
    var day = target.closest("[data-date-pick]");
    if (day) {
      pick(wrapper, day.getAttribute("data-date-pick"));
      return;
    }
    if (target.closest("[data-date-close]")) {
      closeCalendars(null);
      var button = wrapper.querySelector("[data-date-open]");
      if (button) button.focus();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-multi-index")) {
      var wrapper = target.closest(".multi-select");
      var select = wrapper.querySelector("select[multiple]");
      select.options[+target.getAttribute("data-multi-index")].selected = target.checked;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      updateSummary(wrapper);
    }
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-multi-filter")) filterMulti(target);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Escape" && document.querySelector(".date-calendar")) {
      var wrapper = target instanceof Element ? target.closest(".date-field") : null;
      closeCalendars(null);
      if (wrapper) wrapper.querySelector("input").focus();
    }
    // Enter in the filter box filters; it must not submit the form.
    if (event.key === "Enter" && target instanceof HTMLInputElement && target.hasAttribute("data-multi-filter")) {
      event.preventDefault();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll(document);
    });
  } else {
    setupAll(document);
  }
  // After any htmx swap (out-of-band fields included): set up what is new; what is set up already is skipped.
  document.addEventListener("htmx:afterSettle", function () {
    setupAll(document);
  });
})();
