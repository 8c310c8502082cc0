// Specialist console: keeps the console socket open (presence), shows the live queue,
// and in a conversation view sends and receives messages, inserts passages and canned text.
(function () {
  "use strict";
  var shared = window.HelplineChatLog;
  var stringsEl = document.getElementById("console-strings");
  if (!stringsEl) return;
  var strings = JSON.parse(stringsEl.textContent);
  var app = document.getElementById("console-app");
  var chat = document.getElementById("console-chat");
  var root = app || chat;
  if (!root) return;
  var wsPath = root.getAttribute("data-ws-url");
  var connEl = document.getElementById("console-connection") || document.getElementById("chat-connection");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  var fmt = shared.fmt;
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text != null) node.textContent = text;
    return node;
  }
  function setConn(text, offline) {
    if (!connEl) return;
    connEl.hidden = !text;
    connEl.textContent = text || "";
    connEl.classList.toggle("offline", !!offline);
  }
  function waited(seconds) {
    var m = Math.floor(seconds / 60);
    if (m >= 60) return Math.floor(m / 60) + " h " + (m % 60) + " min";
    return m ? m + " min" : seconds + " s";
  }

  // --- Queue (console home) --------------------------------------------------
  var queueBody = document.getElementById("queue-body");
  var queueCount = document.getElementById("queue-count");
  var base = app ? app.getAttribute("data-conversation-url") : "";
  var knownIds = null;  // conversations are named by id here: staff never see a token
  function renderQueue(items) {
    if (!queueBody) return;
    queueBody.textContent = "";
    queueCount.textContent = String(items.length);
    if (!items.length) {
      var tr = el("tr", { "class": "empty" });
      tr.appendChild(el("td", { colspan: "5" }, strings.nobody));
      queueBody.appendChild(tr);
    }
    var fresh = false;
    var ids = {};
    items.forEach(function (item) {
      ids[item.id] = true;
      if (knownIds && !knownIds[item.id]) fresh = true;
      var row = el("tr", { "data-id": String(item.id) });
      var c1 = el("td", null, waited(item.waited_seconds));
      if (item.urgent) { c1.appendChild(document.createTextNode(" ")); c1.appendChild(el("span", { "class": "badge bad" }, strings.urgent)); }
      var c2 = el("td", null, item.channel === "callback" ? strings.callback : strings.chat);
      if (item.transferred_to_me) { c2.appendChild(document.createTextNode(" ")); c2.appendChild(el("span", { "class": "badge warn" }, strings.transferred)); }
      else if (item.transferred) { c2.appendChild(document.createTextNode(" ")); c2.appendChild(el("span", { "class": "badge" }, strings.transferred_other)); }
      var c3 = el("td", null, (item.language || "").toUpperCase());
      var c4 = el("td", null, item.visitor_name || "");
      if (item.question) c4.appendChild(el("span", { "class": "small" }, " “" + item.question.slice(0, 120) + "”"));
      if (item.transfer_note) { c4.appendChild(el("br")); c4.appendChild(el("span", { "class": "small" }, strings.note + " " + item.transfer_note)); }
      var c5 = el("td");
      c5.appendChild(el("a", { href: base + item.id + "/" }, strings.open));
      var f = el("form", { method: "post", action: base + item.id + "/accept/", "class": "inline-form" });
      f.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
      f.appendChild(el("button", { type: "submit" }, strings.accept));
      c5.appendChild(document.createTextNode(" "));
      c5.appendChild(f);
      [c1, c2, c3, c4, c5].forEach(function (c) { row.appendChild(c); });
      queueBody.appendChild(row);
    });
    if (fresh) setConn(strings.new_chat);
    knownIds = ids;
  }
  // --- Urgent alert: shown and announced (role=alert) the moment a flag is raised -----
  var alertEl = document.getElementById("console-alert");
  var alerted = {};
  var wasUrgent = null;
  function showUrgent(id) {
    if (!alertEl || alerted[id]) return;
    alerted[id] = true;
    alertEl.textContent = "";
    alertEl.appendChild(el("strong", null, fmt(strings.urgent_alert, { id: id })));
    if (base) {
      alertEl.appendChild(document.createTextNode(" "));
      alertEl.appendChild(el("a", { href: base + id + "/" }, strings.urgent_open));
    }
    alertEl.hidden = false;
  }

  var mineList = document.getElementById("mine-list");
  function renderMine(items) {
    if (!mineList) return;
    mineList.textContent = "";
    if (!items.length) { mineList.appendChild(el("li", null, strings.no_active)); return; }
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("a", { href: base + item.id + "/" }, item.visitor_name || strings.anonymous));
      li.appendChild(document.createTextNode(" · " + (item.channel === "callback" ? strings.callback : strings.chat) + " · " + (item.language || "").toUpperCase()));
      if (item.urgent) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", { "class": "badge bad" }, strings.urgent)); }
      mineList.appendChild(li);
    });
  }
  function pollQueue() {
    if (!app) return;
    fetch(app.getAttribute("data-queue-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) renderQueue(data.queue); })
      .catch(function () { /* the socket or the next poll will catch up */ });
  }

  // --- Conversation view ----------------------------------------------------
  var conversationId = chat ? chat.getAttribute("data-id") : null;
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-compose");
  var input = document.getElementById("chat-input");
  var nojs = document.getElementById("chat-nojs");
  var lastSeq = 0;
  var seen = {};
  var outbox = [];
  if (log) Array.prototype.forEach.call(log.querySelectorAll("li[data-seq]"), function (li) {
    seen[parseInt(li.getAttribute("data-seq"), 10)] = true;
  });
  // Resume point: the highest seq with nothing missing below it (an ack for our own line
  // can arrive before the visitor's previous line).
  function advance() { while (seen[lastSeq + 1]) lastSeq += 1; }
  advance();
  if (form) form.hidden = false;
  if (nojs) nojs.hidden = true;
  Array.prototype.forEach.call(document.querySelectorAll("button.insert"), function (b) { b.hidden = false; });

  function place(li, seq) { shared.place(log, li, seq); }

  function renderMessage(m) {
    if (!log || seen[m.seq]) return;
    seen[m.seq] = true;
    // Our own line, shown as pending when sent, is normally confirmed by its ack; if the
    // server sends it back (gap fill after a reconnect) the pending line is reused.
    var pending = m.id ? log.querySelector('li[data-client-id="' + CSS.escape(m.id) + '"]') : null;
    var li = pending || el("li");
    li.textContent = "";
    li.className = m.sender === "specialist" ? "mine" : (m.sender === "system" ? "system" : "");
    li.setAttribute("data-seq", String(m.seq));
    li.removeAttribute("data-client-id");
    li.appendChild(el("span", { "class": "who" }, m.sender === "visitor" ? (m.sender_label || strings.visitor) : (m.sender_label || m.sender)));
    shared.body(li, m);
    place(li, m.seq);
    advance();
    shared.reveal(log, li);
    if (m.sender === "visitor") refreshSuggestions(m.text);
  }

  function showPending(item) {
    if (!log) return;
    var li = el("li", { "class": "mine pending", "data-client-id": item.id, title: strings.not_sent || "" });
    li.appendChild(el("span", { "class": "who" }, strings.you));
    li.appendChild(document.createTextNode(item.text));
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function acknowledge(frame) {
    outbox = outbox.filter(function (item) { return item.id !== frame.id; });
    if (!log || !frame.id) return;
    var li = log.querySelector('li[data-client-id="' + CSS.escape(String(frame.id)) + '"]');
    if (!li) return;
    if (frame.seq && seen[frame.seq]) { li.remove(); return; }
    if (shared.acknowledge(log, li, frame.seq, seen)) advance();
  }

  var suggestions = document.getElementById("suggestions");
  function refreshSuggestions(text) {
    if (!suggestions || !chat) return;
    var url = chat.getAttribute("data-suggest-url") + "?text=" + encodeURIComponent(text.slice(0, 2000));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        suggestions.textContent = "";
        if (!data.passages.length) { suggestions.appendChild(el("li", null, strings.no_suggestions)); return; }
        data.passages.forEach(function (p) {
          var li = el("li", { lang: p.lang || "" });
          li.appendChild(el("blockquote", null, p.text.length > 500 ? p.text.slice(0, 499) + "…" : p.text));
          li.appendChild(el("a", { href: p.url, hreflang: p.lang || "" }, p.article + (p.section ? " — " + p.section : "")));
          if (p.other_language) {
            li.setAttribute("data-other-language", p.lang || "");
            li.appendChild(document.createTextNode(" "));
            li.appendChild(el("span", { "class": "badge warn" }, fmt(strings.other_language, { lang: (p.lang || "").toUpperCase() })));
          }
          if (form) {
            var b = el("button", { type: "button", "class": "secondary insert", "data-insert": p.quote }, strings.insert);
            li.appendChild(document.createTextNode(" "));
            li.appendChild(b);
          }
          suggestions.appendChild(li);
        });
      })
      .catch(function () { /* keep the old suggestions */ });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement) || !target.classList.contains("insert") || !input) return;
    var text = target.getAttribute("data-insert") || "";
    var start = input.selectionStart || input.value.length;
    var before = input.value.slice(0, start);
    var sep = before && !/\s$/.test(before) ? "\n" : "";
    input.value = before + sep + text + input.value.slice(input.selectionEnd || start);
    input.focus();
  });

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "s" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // --- Send a resource: a card from the directory, over the socket -----------------
  // Without a socket (or without this script) the form posts to the server instead.
  var resourceForm = document.getElementById("resource-form");
  var resourceSelect = document.getElementById("resource-select");
  var resourceFilter = document.getElementById("resource-filter");
  var resourceStatus = document.getElementById("resource-status");
  var cardOutbox = [];  // sent, not yet acknowledged: re-sent with the same id on reconnect
  function setResourceStatus(text, failed) {
    if (!resourceStatus) return;
    resourceStatus.textContent = text || "";
    resourceStatus.classList.toggle("error", !!failed);
  }
  function sendCard(item) {
    return send({ type: "send_resource", id: item.id, resource: item.resource });
  }
  if (resourceForm && resourceSelect) {
    var idInput = resourceForm.querySelector("input[name=id]");
    var countEl = document.getElementById("resource-count");
    var total = resourceSelect.querySelectorAll("option").length;
    if (resourceFilter) {
      resourceFilter.parentNode.hidden = false;
      resourceFilter.addEventListener("input", function () {
        var words = resourceFilter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        Array.prototype.forEach.call(resourceSelect.querySelectorAll("optgroup"), function (group) {
          var any = false;
          Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
            var haystack = (option.textContent + " " + group.label).toLowerCase();
            var match = words.every(function (w) { return haystack.indexOf(w) !== -1; });
            option.hidden = !match;
            option.disabled = !match;
            if (match) { any = true; shown += 1; }
          });
          group.hidden = !any;
        });
        var chosen = resourceSelect.options[resourceSelect.selectedIndex];
        if (chosen && chosen.hidden) resourceSelect.selectedIndex = -1;
        if (countEl) countEl.textContent = words.length ? fmt(resourceForm.getAttribute("data-matches"), { count: shown, total: total }) : "";
      });
      // Down arrow (or Enter) from the search box: into the list, on the first match.
      resourceFilter.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowDown" && event.key !== "Enter") return;
        event.preventDefault();
        var first = resourceSelect.querySelector("option:not([hidden])");
        var chosen = resourceSelect.options[resourceSelect.selectedIndex];
        if (first && (!chosen || chosen.hidden)) first.selected = true;
        resourceSelect.focus();
      });
    }
    resourceSelect.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); resourceForm.requestSubmit(); }
    });
    resourceForm.addEventListener("submit", function (event) {
      var value = parseInt(resourceSelect.value, 10);
      if (!value) return;
      var item = { id: idInput.value, resource: value };
      if (!sendCard(item)) return;  // no socket now: the form posts
      event.preventDefault();
      cardOutbox.push(item);
      idInput.value = newId();  // the next card is a new message
      setResourceStatus(resourceForm.getAttribute("data-sending"));
    });
  }
  function cardAcknowledged(frame) {
    var before = cardOutbox.length;
    cardOutbox = cardOutbox.filter(function (item) { return item.id !== frame.id; });
    if (frame.message) renderMessage(frame.message);
    if (cardOutbox.length < before && resourceForm) setResourceStatus(resourceForm.getAttribute("data-sent"));
  }
  function cardFailed(frame) {
    var before = cardOutbox.length;
    cardOutbox = cardOutbox.filter(function (item) { return item.id !== frame.id; });
    if (cardOutbox.length < before) setResourceStatus(fmt(strings.error, { message: frame.message || frame.code || "" }), true);
  }

  // --- Socket -------------------------------------------------------------------
  var socket = null;
  var attempt = 0;
  function send(frame) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + wsPath + (conversationId ? "?last_seq=" + lastSeq : "");
    try { socket = new WebSocket(url); } catch (e) { schedule(); return; }
    socket.onopen = function () {
      setConn(strings.connected);
      outbox.forEach(function (item) { send({ type: "message", id: item.id, text: item.text }); });
      cardOutbox.forEach(sendCard);
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      // A real frame resets the backoff (while chat is unavailable the server accepts,
      // sends an "unavailable" error and closes).
      if (frame.type !== "error") attempt = 0;
      if (frame.type === "queue") { renderQueue(frame.items || []); renderMine(frame.mine || []); }
      else if (frame.type === "message") renderMessage(frame);
      else if (frame.type === "transfer_offer") setConn(strings.new_chat);
      else if (frame.type === "urgent") showUrgent(frame.id);
      else if (frame.type === "ack" && frame.message) cardAcknowledged(frame);
      else if (frame.type === "ack") acknowledge(frame);
      else if (frame.type === "state" && conversationId && String(frame.id) === conversationId) {
        var badge = document.getElementById("conv-status");
        if (badge) badge.textContent = frame.status;
        // A flag raised while this page is open (the first state frame is the page's own).
        if (frame.urgent && wasUrgent === false) showUrgent(frame.id);
        wasUrgent = !!frame.urgent;
        if (frame.status !== "active" && form) form.hidden = true;
        if (frame.status !== "active" && resourceForm) resourceForm.hidden = true;
      } else if (frame.type === "error") {
        setConn(fmt(strings.error, { message: frame.message || frame.code || "" }), true);
        if (frame.id) cardFailed(frame);
        if (frame.id && frame.code !== "rate_limited" && log) {
          outbox = outbox.filter(function (item) { return item.id !== frame.id; });
          var failed = log.querySelector('li[data-client-id="' + CSS.escape(String(frame.id)) + '"]');
          if (failed) failed.classList.add("failed");
        }
      }
    };
    socket.onclose = function (event) {
      socket = null;
      // 4403: signed out, deactivated, role removed, or the chat went to someone else.
      if (event.code === 4403) { setConn(strings.revoked, true); return; }
      schedule();
    };
  }
  function schedule() {
    attempt += 1;
    setConn(strings.reconnecting, true);
    setTimeout(connect, Math.min(15000, 500 * Math.pow(2, Math.min(attempt, 5))));
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      var item = { id: newId(), text: text };
      outbox.push(item);
      showPending(item);
      input.value = "";
      send({ type: "message", id: item.id, text: text });
      input.focus();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  connect();
  // Presence: the server counts an open socket; a ping now and then keeps it fresh,
  // and the queue is also polled in case the socket is down.
  setInterval(function () { if (!send({ type: "ping" }) && app) pollQueue(); }, 15000);
})();
