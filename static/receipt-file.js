// The verify page without a file upload on the server: a chosen receipt file is read on this
// device into the text box, and the form sends it as text. Without JavaScript the box alone works.
'use strict';
(function () {
  const field = document.getElementById('receipt-file-field');
  const input = document.getElementById('receipt-file');
  const box = document.getElementById('receipt');
  const status = document.getElementById('receipt-file-status');
  if (!field || !input || !box || !status || typeof File === 'undefined' || !File.prototype.text) {
    return;
  }
  field.hidden = false;
  const limit = Number(input.dataset.limit) || 262144;
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    if (!file) {
      return;
    }
    if (file.size > limit) {
      status.textContent = `${file.name} is larger than any receipt (at most ${Math.floor(limit / 1024)} KB). Check that it is the receipt file you downloaded.`;
      return;
    }
    file.text().then(
      (text) => {
        box.value = text;
        status.textContent = `${file.name} is in the box below. Press “Check the receipt”.`;
      },
      () => {
        status.textContent = `${file.name} could not be read. Open it in a text editor and paste its text below.`;
      },
    );
  });
})();
