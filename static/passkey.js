// Passkeys: shows the passkey buttons where the browser can use them, asks the server for a
// one-use challenge, runs the browser's ceremony and posts its answer (base64url fields) with
// the form the button sits in. Without JavaScript or WebAuthn the buttons stay hidden and the
// password paths work as before.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) {
    return;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromB64url(text) {
    var plain = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(plain.length);
    for (var i = 0; i < plain.length; i++) {
      bytes[i] = plain.charCodeAt(i);
    }
    return bytes;
  }

  function set(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (input) {
      input.value = value;
    }
  }

  function challengeUrl(button, form) {
    var purpose = button.getAttribute("data-passkey");
    var url = "/passkeys/challenge?purpose=" + encodeURIComponent(purpose);
    if (purpose === "sign") {
      var text = form.querySelector('input[name="text_sha256"]');
      url += "&rider=" + encodeURIComponent(button.getAttribute("data-rider")) +
        "&text=" + encodeURIComponent(text ? text.value : "");
    }
    return url;
  }

  function ceremony(purpose, options) {
    var challenge = fromB64url(options.challenge);
    var known = (options.credentials || []).map(function (id) {
      return { type: "public-key", id: fromB64url(id) };
    });
    if (purpose === "register") {
      return navigator.credentials.create({
        publicKey: {
          challenge: challenge,
          rp: { id: options.rp_id, name: "Closed Set" },
          user: {
            id: fromB64url(options.user.id),
            name: options.user.name,
            displayName: options.user.display_name
          },
          pubKeyCredParams: [{ type: "public-key", alg: -7 }],
          excludeCredentials: known,
          authenticatorSelection: {
            residentKey: "required",
            requireResidentKey: true,
            userVerification: "required"
          },
          attestation: "none",
          timeout: 120000
        }
      });
    }
    return navigator.credentials.get({
      publicKey: {
        challenge: challenge,
        rpId: options.rp_id,
        allowCredentials: known,
        userVerification: "required",
        timeout: 120000
      }
    });
  }

  function start(button) {
    var form = button.closest("form");
    var status = form.querySelector("[data-passkey-status]");
    var purpose = button.getAttribute("data-passkey");
    button.disabled = true;
    if (status) {
      status.textContent = "Follow your device's prompt.";
    }
    fetch(challengeUrl(button, form), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("challenge refused");
        }
        return response.json();
      })
      .then(function (options) {
        return ceremony(purpose, options);
      })
      .then(function (credential) {
        var answer = credential.response;
        set(form, "passkey_id", toB64url(credential.rawId));
        set(form, "passkey_client_data", toB64url(answer.clientDataJSON));
        if (answer.attestationObject) {
          set(form, "passkey_data", toB64url(answer.attestationObject));
        } else {
          set(form, "passkey_data", toB64url(answer.authenticatorData));
          set(form, "passkey_signature", toB64url(answer.signature));
        }
        form.submit();
      })
      .catch(function () {
        button.disabled = false;
        if (status) {
          status.textContent = "The passkey was not used. Try again, or use your password.";
        }
      });
  }

  var areas = document.querySelectorAll("[data-passkey-area]");
  for (var i = 0; i < areas.length; i++) {
    areas[i].hidden = false;
  }
  var buttons = document.querySelectorAll("button[data-passkey]");
  for (var j = 0; j < buttons.length; j++) {
    buttons[j].addEventListener("click", function (event) {
      start(event.currentTarget);
    });
  }
})();
