// Passkeys (docs/decisions/0023-passkeys.md): the browser's half of the two WebAuthn ceremonies.
// A form with data-options asks Lanyard for the options (POST, with the form's CSRF token), calls the
// authenticator, puts the ceremony handle and the answer (WebAuthn's JSON encoding) in its hidden fields
// and submits itself: Lanyard's answer is an ordinary page. #passkey-add registers, #passkey-sign-in signs in,
// #passkey-verify passes the second step of a password sign-in (/login/verify).
(function () {
    'use strict';

    var supported = !!(window.PublicKeyCredential && navigator.credentials && window.fetch);

    function toBuffer(base64url) {
        var s = base64url.replace(/-/g, '+').replace(/_/g, '/');
        while (s.length % 4) s += '=';
        var binary = atob(s);
        var bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        return bytes.buffer;
    }

    function toBase64url(buffer) {
        var bytes = new Uint8Array(buffer);
        var s = '';
        for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
        return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }

    // Says what went wrong under the form's button. The input Lanyard named as at fault (a wrong password), if any, is
    // marked and points at the message, as a refused form's field points at its error; what this marked before, it
    // unmarks (a field the page came back with marked stays so).
    function say(form, message, field) {
        var p = form.querySelector('[data-passkey-message]');
        if (!p) return;
        p.textContent = message;
        p.hidden = !message;
        if (!p.id) p.id = form.id + '-message';
        Array.prototype.forEach.call(form.querySelectorAll('input:not([type=hidden])'), function (input) {
            var ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (id) { return id && id !== p.id; });
            if (message && field && input.name === field) {
                ids.unshift(p.id);
                input.setAttribute('aria-invalid', 'true');
                input.setAttribute('data-passkey-marked', '');
            } else if (input.hasAttribute('data-passkey-marked')) {
                input.removeAttribute('aria-invalid');
                input.removeAttribute('data-passkey-marked');
            }
            if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
            else input.removeAttribute('aria-describedby');
        });
    }

    function fetchOptions(form) {
        var token = form.querySelector('input[name="_csrf"]');
        var body = new URLSearchParams();
        if (token) body.set('_csrf', token.value);
        // Adding a passkey asks for the member's password first; the options come only with the right one.
        var password = form.querySelector('input[name="password"]');
        if (password) body.set('password', password.value);
        return fetch(form.getAttribute('data-options'), {
            method: 'POST', body: body, credentials: 'same-origin', headers: {'Accept': 'application/json'}
        }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (json) {
                if (!response.ok || !json.publicKey) {
                    var refused = new Error(json.error || 'Lanyard could not start. Reload the page and try again.');
                    refused.field = json.field;
                    throw refused;
                }
                return json;
            });
        });
    }

    function descriptors(list) {
        return (list || []).map(function (c) {
            var d = {type: c.type, id: toBuffer(c.id)};
            if (c.transports) d.transports = c.transports;
            return d;
        });
    }

    function extensionResults(credential) {
        try { return credential.getClientExtensionResults() || {}; } catch (e) { return {}; }
    }

    function common(credential, response) {
        var json = {
            id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
            response: response, clientExtensionResults: extensionResults(credential)
        };
        if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
        return JSON.stringify(json);
    }

    function register(options) {
        var o = options.publicKey;
        o.challenge = toBuffer(o.challenge);
        o.user.id = toBuffer(o.user.id);
        o.excludeCredentials = descriptors(o.excludeCredentials);
        return navigator.credentials.create({publicKey: o}).then(function (credential) {
            var r = credential.response;
            return common(credential, {
                clientDataJSON: toBase64url(r.clientDataJSON),
                attestationObject: toBase64url(r.attestationObject),
                transports: r.getTransports ? r.getTransports() : []
            });
        });
    }

    function assert(options) {
        var o = options.publicKey;
        o.challenge = toBuffer(o.challenge);
        o.allowCredentials = descriptors(o.allowCredentials);
        return navigator.credentials.get({publicKey: o}).then(function (credential) {
            var r = credential.response;
            var response = {
                clientDataJSON: toBase64url(r.clientDataJSON),
                authenticatorData: toBase64url(r.authenticatorData),
                signature: toBase64url(r.signature)
            };
            if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
            return common(credential, response);
        });
    }

    function wire(form, ceremony) {
        var button = form.querySelector('[data-passkey-start]');
        var hint = form.querySelector('[data-passkey-unsupported]')
            || (form.parentNode && form.parentNode.querySelector('[data-passkey-unsupported]'));
        if (!supported) return;
        form.hidden = false;
        if (hint) hint.hidden = true;
        if (button) button.disabled = false;
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            if (button) button.disabled = true;
            say(form, '');
            var remember = document.querySelector('input[type="checkbox"][name="rememberMe"]');
            var rememberField = form.querySelector('input[type="hidden"][name="rememberMe"]');
            if (remember && rememberField) rememberField.value = remember.checked ? 'true' : 'false';
            fetchOptions(form).then(function (options) {
                form.querySelector('input[name="ceremony"]').value = options.ceremony;
                return ceremony(options);
            }).then(function (answer) {
                form.querySelector('input[name="credential"]').value = answer;
                var password = form.querySelector('input[name="password"]');
                if (password) password.value = ''; // checked already: not sent a second time
                form.submit();
            }).catch(function (error) {
                if (button) button.disabled = false;
                say(form, error && error.name === 'NotAllowedError'
                    ? 'The passkey prompt was closed or timed out. Nothing was changed.'
                    : error && error.name === 'InvalidStateError'
                        ? 'This authenticator already holds one of your passkeys.'
                        : (error && error.message) || 'The passkey did not work. Try again.', error && error.field);
            });
        });
    }

    function start() {
        var add = document.getElementById('passkey-add');
        if (add) wire(add, register);
        var signIn = document.getElementById('passkey-sign-in');
        if (signIn) wire(signIn, assert);
        var verify = document.getElementById('passkey-verify');
        if (verify) wire(verify, assert);
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
})();
