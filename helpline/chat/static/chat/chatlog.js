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

  // A resource card (a message whose data.kind is "resource_card"): a copy of the page's
  // <template id="resource-card-template"> (chat/_resource_card.html) filled in as text.
  // Rows without a value are removed; links only to tel: numbers and http(s) addresses.
  function isCard(m) {
    return !!(m && m.data && m.data.kind === "resource_card" && m.data.card);
  }
  function card(template, data) {
    var node = template.content.firstElementChild.cloneNode(true);
    function field(name) { return node.querySelector('[data-field="' + name + '"]'); }
    function drop(name) { var row = node.querySelector('[data-row="' + name + '"]'); if (row) row.remove(); }
    field("name").textContent = data.name || "";
    var offers = field("offers");
    offers.textContent = data.offers || "";
    if (data.offers_lang) offers.setAttribute("lang", data.offers_lang);
    var phone = field("phone");
    if (!data.phone) drop("phone");
    else if (/^\+?\d+$/.test(data.tel || "")) {
      phone.setAttribute("href", "tel:" + data.tel);
      phone.textContent = data.phone;
    } else phone.replaceWith(document.createTextNode(data.phone));
    if (/^https?:\/\/\S+$/i.test(data.website || "")) {
      field("website").setAttribute("href", data.website);
      field("website-text").textContent = data.website;
    } else drop("website");
    var hours = field("hours");
    if (data.hours) {
      hours.textContent = data.hours;
      if (data.hours_lang) hours.setAttribute("lang", data.hours_lang);
    } else drop("hours");
    return node;
  }

  // Fill a log line with a message's body: the card when it is one (and the page has the
  // template), else its text.
  function body(li, m) {
    var template = document.getElementById("resource-card-template");
    if (isCard(m) && template) {
      li.classList.add("card");
      li.appendChild(card(template, m.data.card));
    } else {
      li.appendChild(document.createTextNode(m.text));
    }
  }

  // After a new line: the log shows its end, or the top of a card taller than the log.
  // A card is also brought into the window (on a phone the log can sit below the fold):
  // the smallest scroll that shows it.
  function reveal(log, li) {
    log.scrollTop = log.scrollHeight;
    if (!li.classList.contains("card")) return;
    if (li.offsetHeight > log.clientHeight) {
      log.scrollTop += li.getBoundingClientRect().top - log.getBoundingClientRect().top;
    }
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  }

  window.HelplineChatLog = { fmt: fmt, place: place, acknowledge: acknowledge, isCard: isCard,
                             card: card, body: body, reveal: reveal };
})();
