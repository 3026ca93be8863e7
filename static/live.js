// Live notices: keeps the header's unread count current and announces each new notice in a
// polite live region. Live status: when a production's status moves, puts the current words
// in every status element of the page (`data-status`), fetched from the production's
// `/status` endpoint, which shows this person only what the page itself would. Without
// JavaScript or EventSource, the page works as before and shows the words of its load.
(function () {
  "use strict";
  if (!("EventSource" in window)) {
    return;
  }
  var count = document.getElementById("unread-count");
  var toast = document.getElementById("live-toast");

  function setUnread(n) {
    if (count) {
      count.textContent = n > 0 ? " (" + n + " unread)" : "";
    }
  }

  function show(notice) {
    if (!toast) {
      return;
    }
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

  // ---- Live status words.
  // The production a page belongs to is in its address: /productions/{id}/…
  var place = /^\/productions\/(\d+)(\/|$)/.exec(window.location.pathname);
  var production = place ? place[1] : null;
  // No more ids per request than the server takes (pages::status::MAX_IDS).
  var MAX_IDS = 200;
  var TONES = /^(status|tag)-/;
  var fetching = false;
  var again = false;
  var timer = null;

  function statusElements() {
    return production ? document.querySelectorAll("[data-status]") : [];
  }

  // Polite: a screen reader hears the new word once, after what it is reading.
  Array.prototype.forEach.call(statusElements(), function (el) {
    el.setAttribute("aria-live", "polite");
  });

  function put(el, words) {
    if (el.textContent !== words.word) {
      el.textContent = words.word;
    }
    // Only where the page drew the tone from the same words does the tone follow them.
    if (el.hasAttribute("data-status-tone") && words.tone) {
      Array.prototype.slice.call(el.classList).forEach(function (c) {
        if (TONES.test(c) && c !== words.tone) {
          el.classList.remove(c);
        }
      });
      el.classList.add(words.tone);
    }
  }

  function refresh() {
    var elements = statusElements();
    if (!elements.length) {
      return;
    }
    if (fetching) {
      // A change during a fetch: fetch once more after it, never two at once.
      again = true;
      return;
    }
    var byId = {};
    Array.prototype.forEach.call(elements, function (el) {
      var id = el.getAttribute("data-status");
      (byId[id] = byId[id] || []).push(el);
    });
    var ids = Object.keys(byId);
    var batches = [];
    for (var i = 0; i < ids.length; i += MAX_IDS) {
      batches.push(ids.slice(i, i + MAX_IDS));
    }
    fetching = true;
    Promise.all(batches.map(function (batch) {
      var url = "/productions/" + production + "/status?ids=" + encodeURIComponent(batch.join(","));
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (words) {
          Object.keys(words).forEach(function (id) {
            (byId[id] || []).forEach(function (el) { put(el, words[id]); });
          });
        });
    })).catch(function () { /* the words of the load stay; the next change tries again */ })
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  // Several changes close together (one withdrawal, its notices) make one fetch.
  function soon() {
    if (timer) {
      return;
    }
    timer = window.setTimeout(function () {
      timer = null;
      refresh();
    }, 100);
  }

  // EventSource reconnects by itself after a network drop or a server restart.
  var source = new EventSource("/events");
  var opened = 0;
  var recounts = 0;
  source.addEventListener("open", function () {
    // After a reconnect, changes may have been missed while the stream was down.
    opened += 1;
    recounts = 0;
    if (opened > 1) {
      soon();
    }
  });
  source.addEventListener("status", function (event) {
    try {
      if (production && String(JSON.parse(event.data).production_id) === production) {
        soon();
      }
    } catch (e) { /* a malformed event changes nothing */ }
  });
  source.addEventListener("unread", function (event) {
    // The first count opens every stream; a later one means the server's listener
    // reconnected or fell behind, so status changes may have been missed too.
    recounts += 1;
    if (recounts > 1) {
      soon();
    }
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
