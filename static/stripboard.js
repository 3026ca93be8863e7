// The stripboard's drag and drop: dropping a strip on a day (or the unscheduled pool) chooses
// that day in the strip's own "Move to" form and sends it. Without JavaScript, or with the
// keyboard, the form itself does the same.
(function () {
  'use strict';
  var board = document.querySelectorAll('[data-drop]');
  if (!board.length) return;
  var dragged = null;
  document.querySelectorAll('li.strip[data-move]').forEach(function (strip) {
    strip.addEventListener('dragstart', function (event) {
      dragged = strip;
      strip.classList.add('is-dragged');
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', strip.id);
    });
    strip.addEventListener('dragend', function () {
      strip.classList.remove('is-dragged');
      dragged = null;
    });
  });
  board.forEach(function (target) {
    target.addEventListener('dragover', function (event) {
      if (!dragged) return;
      event.preventDefault();
      target.classList.add('is-drop-target');
    });
    target.addEventListener('dragleave', function () {
      target.classList.remove('is-drop-target');
    });
    target.addEventListener('drop', function (event) {
      target.classList.remove('is-drop-target');
      if (!dragged) return;
      event.preventDefault();
      var select = document.getElementById(dragged.getAttribute('data-move'));
      var day = target.getAttribute('data-drop');
      if (!select || !select.form) return;
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === day; });
      if (!option || option.selected) return;
      select.value = day;
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    });
  });
})();
