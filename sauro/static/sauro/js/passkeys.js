/* Passkeys (WebAuthn) for the two-factor pages: the browser's ceremonies, with the options and the results in JSON
   (binary fields as base64url, as py_webauthn writes and reads them). No library, no CDN. */
(function () {
  "use strict";

  function b64urlToBuffer(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }

  function bufferToB64url(buffer) {
    var bytes = new Uint8Array(buffer), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.message || "Không thực hiện được.");
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (c) { return { type: c.type, id: b64urlToBuffer(c.id), transports: c.transports }; });
  }

  function showError(box, error) {
    var el = box.querySelector("[data-passkey-error]");
    var message = error && error.name === "NotAllowedError"
      ? "Đã hủy hoặc hết thời gian chờ khóa truy cập. Vui lòng thử lại."
      : (error && error.message) || "Không thực hiện được.";
    if (el) { el.textContent = message; el.hidden = false; }
  }

  function register(box) {
    if (!window.PublicKeyCredential) return showError(box, new Error("Trình duyệt này không hỗ trợ khóa truy cập."));
    post(box.dataset.optionsUrl).then(function (o) {
      o.challenge = b64urlToBuffer(o.challenge);
      o.user.id = b64urlToBuffer(o.user.id);
      o.excludeCredentials = descriptors(o.excludeCredentials);
      return navigator.credentials.create({ publicKey: o });
    }).then(function (cred) {
      var nameInput = box.querySelector("[data-passkey-name]");
      return post(box.dataset.registerUrl, {
        name: nameInput ? nameInput.value : "",
        credential: {
          id: cred.id, rawId: bufferToB64url(cred.rawId), type: cred.type,
          response: {
            clientDataJSON: bufferToB64url(cred.response.clientDataJSON),
            attestationObject: bufferToB64url(cred.response.attestationObject),
            transports: cred.response.getTransports ? cred.response.getTransports() : []
          },
          clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
        }
      });
    }).then(function (data) { window.location.assign(data.next); }).catch(function (e) { showError(box, e); });
  }

  function authenticate(box) {
    if (!window.PublicKeyCredential) return showError(box, new Error("Trình duyệt này không hỗ trợ khóa truy cập."));
    post(box.dataset.optionsUrl).then(function (o) {
      o.challenge = b64urlToBuffer(o.challenge);
      o.allowCredentials = descriptors(o.allowCredentials);
      return navigator.credentials.get({ publicKey: o });
    }).then(function (cred) {
      var remember = document.querySelector("input[name=remember]");
      return post(box.dataset.verifyUrl, {
        remember: !!(remember && remember.checked),
        credential: {
          id: cred.id, rawId: bufferToB64url(cred.rawId), type: cred.type,
          response: {
            clientDataJSON: bufferToB64url(cred.response.clientDataJSON),
            authenticatorData: bufferToB64url(cred.response.authenticatorData),
            signature: bufferToB64url(cred.response.signature),
            userHandle: cred.response.userHandle ? bufferToB64url(cred.response.userHandle) : null
          },
          clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
        }
      });
    }).then(function (data) { window.location.assign(data.next); }).catch(function (e) { showError(box, e); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey-start]");
    if (!button) return;
    var box = button.closest("[data-passkey-register], [data-passkey-auth]");
    if (!box) return;
    event.preventDefault();
    if (box.hasAttribute("data-passkey-register")) register(box); else authenticate(box);
  });
})();
