// Visitor live chat: websocket with resume by sequence number, reconnect with backoff,
// messages stored before acknowledged (client ids), text only (textContent, never innerHTML).
(function () {
  "use strict";
  var shared = window.HelplineChatLog;
  var app = document.getElementById("chat-app");
  if (!app) return;
  var strings = JSON.parse(document.getElementById("chat-strings").textContent);
  var token = app.getAttribute("data-token");
  var wsPath = app.getAttribute("data-ws-url");
  var log = document.getElementById("chat-log");
  var statusEl = document.getElementById("chat-status");
  var connEl = document.getElementById("chat-connection");
  var form = document.getElementById("chat-compose");
  var input = document.getElementById("chat-input");
  var nojs = document.getElementById("chat-nojs");
  var endForm = document.getElementById("chat-end-form");
  var STORE = "helpline.chat";

  var fmt = shared.fmt;
  // Nothing stays on the device: the state lives in this tab's sessionStorage (gone
  // when the tab closes), holds no token, and is removed when the chat ends and on
  // quick exit (site.js). Older pages kept it in localStorage: remove that copy.
  try { window.localStorage.removeItem(STORE); } catch (e) { /* private mode */ }
  var conv = String(token || "").slice(0, 8);  // tells this chat from an earlier one in the tab
  function load() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE) || "null") || {}; } catch (e) { return {}; }
  }
  function save(state) {
    if (state.ended) { forget(); return; }
    try { window.sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function forget() {
    try { window.sessionStorage.removeItem(STORE); } catch (e) { /* private mode */ }
  }

  // Saved state: last seq and unsent messages (outbox) survive reloads of this tab.
  var saved = load();
  if (saved.conv !== conv) saved = { conv: conv, lastSeq: 0, outbox: [] };
  saved.outbox = saved.outbox || [];
  var lastSeq = 0;
  var seen = {};
  Array.prototype.forEach.call(log.querySelectorAll("li[data-seq]"), function (li) {
    seen[parseInt(li.getAttribute("data-seq"), 10)] = true;
  });
  // lastSeq is the highest seq up to which nothing is missing: the server may ack this
  // page's own message (seq N) before a message N-1 from the other side has arrived, and
  // a resume from N would then skip N-1.
  function advance() {
    var moved = false;
    while (seen[lastSeq + 1]) { lastSeq += 1; moved = true; }
    if (moved) { saved.lastSeq = lastSeq; save(saved); }
  }
  advance();
  saved.lastSeq = lastSeq;
  save(saved);

  if (nojs) nojs.hidden = true;
  var status = app.getAttribute("data-status");
  function isOpen() { return status === "waiting" || status === "active"; }
  if (isOpen()) form.hidden = false;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function senderName(m) {
    if (m.sender === "visitor") return strings.you;
    if (m.sender_label) return m.sender_label;
    return m.sender === "specialist" ? strings.specialist : strings.system;
  }

  function render(m) {
    if (seen[m.seq]) return;
    seen[m.seq] = true;
    var pending = m.id ? log.querySelector('li[data-client-id="' + CSS.escape(m.id) + '"]') : null;
    var li = pending || document.createElement("li");
    li.className = m.sender === "visitor" ? "mine" : (m.sender === "system" ? "system" : "");
    li.setAttribute("data-seq", String(m.seq));
    li.removeAttribute("data-client-id");
    li.textContent = "";
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = senderName(m);
    li.appendChild(who);
    shared.body(li, m);
    place(li, m.seq);
    advance();
    shared.reveal(log, li);
  }

  function place(li, seq) { shared.place(log, li, seq); }

  function showPending(item) {
    var li = document.createElement("li");
    li.className = "mine pending";
    li.setAttribute("data-client-id", item.id);
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = strings.you;
    li.appendChild(who);
    li.appendChild(document.createTextNode(item.text));
    li.title = strings.not_sent;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function setStatus(text) { if (statusEl.textContent !== text) statusEl.textContent = text; }

  function applyState(state) {
    status = state.status;
    app.setAttribute("data-status", status);
    if (status === "waiting") {
      setStatus(strings.waiting);
    } else if (status === "active" && state.assigned) {
      setStatus(fmt(strings.with_you, state.assigned));
    } else if (!isOpen()) {
      setStatus(strings.ended);
      form.hidden = true;
      saved.ended = true;
      save(saved);
      var button = endForm && endForm.querySelector("button");
      if (button) button.textContent = strings.rate;
    }
  }

  function applyQueue(frame) {
    if (status !== "waiting") return;
    var parts = [fmt(strings.position, { position: frame.position })];
    if (frame.specialists_online === 0) parts.push(strings.none_online);
    else if (frame.estimated_wait_seconds == null) parts.push(strings.wait_unknown);
    else parts.push(fmt(strings.wait, { minutes: Math.max(1, Math.round(frame.estimated_wait_seconds / 60)) }));
    setStatus(parts.join(" "));
  }

  // --- Connection with resume and backoff ---------------------------------
  var socket = null;
  var attempt = 0;
  var timer = null;
  var closedByUs = false;
  var unavailable = false;  // the server said live chat is down (e.g. Redis): keep retrying

  function wsUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + wsPath + "?last_seq=" + lastSeq;
  }
  function setConn(text, offline) {
    connEl.hidden = !text;
    connEl.textContent = text || "";
    connEl.classList.toggle("offline", !!offline);
  }
  function send(frame) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function flushOutbox() {
    saved.outbox.forEach(function (item) { send({ type: "message", id: item.id, text: item.text }); });
  }

  function connect() {
    clearTimeout(timer);
    if (!isOpen() && attempt > 0) return;
    setConn(unavailable ? strings.unavailable : (attempt ? strings.reconnecting : strings.connecting), attempt > 0);
    try { socket = new WebSocket(wsUrl()); } catch (e) { schedule(); return; }
    socket.onopen = function () {
      // The backoff is reset by the first "state" frame, not here: while chat is
      // unavailable the server accepts, says so and closes.
      setConn(unavailable ? strings.unavailable : "", unavailable);
      // The server sends the state and every message after last_seq, then live frames.
      flushOutbox();
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      handle(frame);
    };
    socket.onclose = function () {
      socket = null;
      if (closedByUs) return;
      if (isOpen()) schedule();
      else setConn("");
    };
    socket.onerror = function () { /* onclose follows */ };
  }
  function schedule() {
    attempt += 1;
    var delay = Math.min(30000, 500 * Math.pow(2, Math.min(attempt, 6))) * (0.75 + Math.random() * 0.5);
    setConn(unavailable ? strings.unavailable : strings.reconnecting, true);
    timer = setTimeout(connect, delay);
  }

  function handle(frame) {
    switch (frame.type) {
      case "message":
        render(frame);
        break;
      case "history":
        (frame.messages || []).forEach(render);
        break;
      case "ack":
        saved.outbox = saved.outbox.filter(function (item) { return item.id !== frame.id; });
        save(saved);
        var li = log.querySelector('li[data-client-id="' + CSS.escape(frame.id || "") + '"]');
        if (li && frame.seq && seen[frame.seq]) li.remove();
        else if (li && shared.acknowledge(log, li, frame.seq, seen)) advance();
        break;
      case "state":
        attempt = 0;
        if (unavailable) { unavailable = false; setConn(""); }
        applyState(frame);
        break;
      case "queue_position":
        applyQueue(frame);
        break;
      case "error":
        if (frame.code === "unavailable") {
          unavailable = true;
          setConn(strings.unavailable, true);
          break;
        }
        setConn(fmt(strings.error, { message: frame.message || frame.code || "" }), true);
        if (frame.id) {
          var failed = log.querySelector('li[data-client-id="' + CSS.escape(frame.id) + '"]');
          if (failed) failed.classList.add("failed");
          saved.outbox = saved.outbox.filter(function (item) { return item.id !== frame.id; });
          save(saved);
        }
        break;
      default:
        break;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (text.length > parseInt(input.getAttribute("maxlength") || "4000", 10)) {
      setConn(strings.too_long, true);
      return;
    }
    var item = { id: newId(), text: text };
    saved.outbox.push(item);
    save(saved);
    showPending(item);
    input.value = "";
    send({ type: "message", id: item.id, text: item.text });
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  if (endForm) endForm.addEventListener("submit", function () {
    closedByUs = true;
    saved.ended = true;
    save(saved);
  });
  // Unsent messages from before a reload are shown again and re-sent on connect.
  saved.outbox.forEach(showPending);
  connect();
})();
