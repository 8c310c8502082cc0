// Shared by the visitor chat (chat.js) and the specialist console (console.js).
(function () {
  "use strict";

  // "%(name)s" placeholders, as in Django's translated strings.
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : String(values[key]); });
  }

  // Keep a chat log in sequence order (frames and acks may arrive out of order); lines
  // not yet acknowledged (data-client-id without data-seq) stay at the end.
  function place(log, li, seq) {
    var items = log.querySelectorAll("li[data-seq]");
    for (var i = 0; i < items.length; i++) {
      if (items[i] !== li && parseInt(items[i].getAttribute("data-seq"), 10) > seq) {
        log.insertBefore(li, items[i]);
        return;
      }
    }
    var firstPending = log.querySelector("li[data-client-id]:not([data-seq])");
    if (firstPending && firstPending !== li) log.insertBefore(li, firstPending);
    else if (li.parentNode !== log || firstPending !== li) log.appendChild(li);
  }

  // This page's own line, acknowledged by the server (which does not echo it back):
  // no longer pending, numbered with its seq and moved into order. False without a seq.
  function acknowledge(log, li, seq, seen) {
    li.classList.remove("pending");
    li.removeAttribute("title");
    li.removeAttribute("data-client-id");
    if (!seq) return false;
    seen[seq] = true;
    li.setAttribute("data-seq", String(seq));
    place(log, li, seq);
    return true;
  }

  window.HelplineChatLog = { fmt: fmt, place: place, acknowledge: acknowledge };
})();
