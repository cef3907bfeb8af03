// "Copy" buttons: a button[data-copy] copies the value of the field whose id it names, and says so in the
// [data-copy-status] beside it. Without JavaScript the button stays hidden and the field is selected by hand.
(function () {
    'use strict';

    function say(button, message) {
        var status = button.parentNode.querySelector('[data-copy-status]');
        if (status) status.textContent = message;
    }

    function copyBySelection(field) {
        field.focus();
        field.select();
        try {
            return document.execCommand('copy');
        } catch (e) {
            return false;
        }
    }

    document.querySelectorAll('button[data-copy]').forEach(function (button) {
        var field = document.getElementById(button.getAttribute('data-copy'));
        if (!field) return;
        button.hidden = false;
        button.addEventListener('click', function () {
            var copied = function () { say(button, 'Copied.'); };
            var failed = function () {
                if (copyBySelection(field)) copied();
                else say(button, 'Could not copy: the key is selected, copy it with your keyboard.');
            };
            if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(copied, failed);
            else failed();
        });
    });
})();
