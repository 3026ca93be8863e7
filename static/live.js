// Live notices: keeps the header's unread count current and announces each new notice in a
// polite live region. Without JavaScript or EventSource, the page works as before.
(function () {
  "use strict";
  if (!("EventSource" in window)) {
    return;
  }
  var count = document.getElementById("unread-count");
  var toast = document.getElementById("live-toast");
  if (!count || !toast) {
    return;
  }

  function setUnread(n) {
    count.textContent = n > 0 ? " (" + n + " unread)" : "";
  }

  function show(notice) {
    toast.textContent = "";
    var text = document.createElement("p");
    var label = document.createElement("strong");
    label.textContent = "New: ";
    text.appendChild(label);
    if (notice.link) {
      var link = document.createElement("a");
      link.href = notice.link;
      link.textContent = notice.message;
      text.appendChild(link);
    } else {
      text.appendChild(document.createTextNode(notice.message));
    }
    if (notice.production) {
      text.appendChild(document.createTextNode(" (" + notice.production + ")"));
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.textContent = "Dismiss";
    close.addEventListener("click", function () {
      toast.textContent = "";
    });
    toast.appendChild(text);
    toast.appendChild(close);
  }

  // EventSource reconnects by itself after a network drop or a server restart.
  var source = new EventSource("/events");
  source.addEventListener("unread", function (event) {
    try {
      setUnread(JSON.parse(event.data).unread);
    } catch (e) { /* a malformed event changes nothing */ }
  });
  source.addEventListener("notification", function (event) {
    try {
      var notice = JSON.parse(event.data);
      setUnread(notice.unread);
      show(notice);
    } catch (e) { /* a malformed event changes nothing */ }
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
