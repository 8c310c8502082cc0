// Supervisor dashboard, live panel: follows the console socket in panel mode
// (/ws/chat/console/?mode=panel) and applies its "live_summary" frames to the table the
// server rendered. The longest waits keep counting between frames, from the oldest
// waiting chat's start time. When the socket drops, a note says the figures are paused.
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  var stringsEl = document.getElementById("live-strings");
  if (!panel || !stringsEl) return;
  var path = panel.getAttribute("data-ws-url");
  if (!path || !window.WebSocket) return;  // no live updates: the page's figures stand
  var strings = JSON.parse(stringsEl.textContent);
  var table = document.getElementById("live-table");
  var totalRow = table.querySelector("tr.live-total");
  var updated = document.getElementById("live-updated");
  var paused = document.getElementById("live-paused");
  var staticNote = document.getElementById("live-static");
  var announcer = document.getElementById("live-announce");
  var QUIET_MS = 20000;  // at most one announcement in this time; the latest figures win

  var timeFormat = null;
  try {
    timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
      timeZone: panel.getAttribute("data-time-zone") || undefined });
  } catch (e) { timeFormat = null; }

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (_, key) { return String(values[key]); });
  }
  function waitLabel(seconds) {
    var minutes = Math.floor(seconds / 60);
    if (minutes >= 60) return fmt(strings.h, { h: Math.floor(minutes / 60), m: minutes % 60 });
    if (minutes) return fmt(strings.m, { m: minutes });
    return fmt(strings.s, { s: seconds });
  }
  function cell(row, field) { return row.querySelector('[data-field="' + field + '"]'); }

  // The server's clock minus this one, so a wrong clock here does not skew the waits.
  var skew = 0;
  var rendered = updated ? Date.parse(updated.getAttribute("datetime")) : NaN;
  if (!isNaN(rendered)) skew = rendered - Date.now();
  var ticking = true;

  function tick() {
    if (!ticking) return;  // paused: the figures stay as of "Last updated"
    var now = Date.now() + skew;
    Array.prototype.forEach.call(table.querySelectorAll('[data-field="wait"]'), function (td) {
      var since = Date.parse(td.getAttribute("data-since") || "");
      var text = isNaN(since) ? strings.none : waitLabel(Math.max(0, Math.floor((now - since) / 1000)));
      if (td.textContent !== text) td.textContent = text;
    });
  }

  function rowFor(code) {
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-language") === code) return rows[i];
    }
    // A language the page did not list: a row of its own before the total (site.js labels
    // its cells for small screens).
    var row = document.createElement("tr");
    row.setAttribute("data-language", code);
    var th = document.createElement("th");
    th.setAttribute("scope", "row");
    th.textContent = code.toUpperCase();
    row.appendChild(th);
    ["on_duty", "queue", "callbacks", "wait"].forEach(function (field) {
      var td = document.createElement("td");
      td.setAttribute("data-field", field);
      row.appendChild(td);
    });
    totalRow.parentNode.insertBefore(row, totalRow);
    return row;
  }
  function fill(row, figures) {
    ["on_duty", "queue", "callbacks"].forEach(function (field) {
      var text = String(figures[field]);
      var td = cell(row, field);
      if (td.textContent !== text) td.textContent = text;
    });
    var wait = cell(row, "wait");
    if (figures.oldest_chat_since) wait.setAttribute("data-since", figures.oldest_chat_since);
    else wait.removeAttribute("data-since");
  }

  // Announce sparingly: only when the total queue or the number on duty changed from what
  // was last said (or shown when the page loaded), and not more than once in QUIET_MS.
  var said = cell(totalRow, "queue").textContent + "/" + cell(totalRow, "on_duty").textContent;
  var saidAt = 0;
  var latest = null;
  var pending = null;
  function say() {
    pending = null;
    var key = latest.queue + "/" + latest.on_duty;
    if (key === said) return;
    said = key;
    saidAt = Date.now();
    announcer.textContent = fmt(strings.announce, { queue: latest.queue, on_duty: latest.on_duty });
  }
  function announce(total) {
    latest = total;
    if (pending) return;  // the announcement already waiting will say the latest figures
    var wait = saidAt + QUIET_MS - Date.now();
    if (wait > 0) pending = setTimeout(say, wait);
    else say();
  }

  function apply(frame) {
    var at = Date.parse(frame.at);
    if (!isNaN(at)) skew = at - Date.now();
    (frame.languages || []).forEach(function (figures) { fill(rowFor(figures.language), figures); });
    if (frame.total) fill(totalRow, frame.total);
    if (updated && !isNaN(at)) {
      updated.setAttribute("datetime", frame.at);
      updated.textContent = timeFormat ? timeFormat.format(new Date(at)) : frame.at;
    }
    tick();
    if (frame.total) announce(frame.total);
  }

  function setLive(on) {
    ticking = on;
    paused.hidden = on;
    panel.setAttribute("data-live", on ? "on" : "paused");
    if (on) tick();
  }

  var socket = null;
  var attempt = 0;
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try { socket = new WebSocket(scheme + window.location.host + path); } catch (e) { dropped(false); return; }
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type !== "live_summary") return;
      attempt = 0;
      setLive(true);
      apply(frame);
    };
    socket.onclose = function (event) {
      socket = null;
      dropped(event.code === 4403);  // 4403: not (or no longer) allowed; do not retry
    };
  }
  function dropped(final) {
    setLive(false);
    if (final) return;
    attempt += 1;
    setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, Math.min(attempt, 5))));
  }

  if (staticNote) staticNote.hidden = true;
  connect();
  setInterval(tick, 1000);
  // Keeps the socket open through proxies that close quiet connections (not presence).
  setInterval(function () {
    if (socket && socket.readyState === 1) socket.send('{"type":"ping"}');
  }, 25000);
})();
