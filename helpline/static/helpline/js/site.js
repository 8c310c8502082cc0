// Quick exit: leave for a neutral site and replace this page in the history.
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (!exit) return;
  var target = exit.getAttribute("data-exit-url");
  function leave(event) {
    if (event) event.preventDefault();
    // Leave nothing of a chat behind on this device.
    [window.localStorage, window.sessionStorage].forEach(function (store) {
      try { store.removeItem("helpline.chat"); } catch (e) { /* private mode */ }
    });
    try { document.body.innerHTML = ""; } catch (e) { /* ignore */ }
    window.location.replace(target);
  }
  exit.addEventListener("click", leave);
  var lastEsc = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEsc < 800) leave(event);
    lastEsc = now;
  });
})();

// Results (answers, searches): after the page loads with a result, move focus and
// scroll to it, and say so in the live region (a phone user would not see it below
// the form otherwise).
(function () {
  "use strict";
  var result = document.querySelector("[data-result-focus]");
  if (!result) return;
  if (!result.hasAttribute("tabindex")) result.setAttribute("tabindex", "-1");
  result.focus({ preventScroll: true });
  result.scrollIntoView({ block: "start" });
  var live = document.getElementById("result-status");
  if (live) {
    // Filled after load so that screen readers announce it.
    window.setTimeout(function () { live.textContent = result.textContent.trim(); }, 50);
  }
})();

// Tables that reflow on phones (class "reflow"): each cell is labelled with its
// column heading, also for rows added later by a live page (the console queue).
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.reflow");
  if (!tables.length) return;
  function label(table) {
    var heads = table.querySelectorAll("thead th");
    var rows = table.tBodies.length ? table.tBodies[0].rows : [];
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].cells;
      if (cells.length !== heads.length) continue;  // e.g. "Nobody is waiting."
      for (var c = 0; c < cells.length; c++) {
        var text = heads[c].textContent.trim();
        if (cells[c].tagName === "TD" && text && !cells[c].hasAttribute("data-label")) {
          cells[c].setAttribute("data-label", text);
        }
      }
    }
  }
  Array.prototype.forEach.call(tables, function (table) {
    label(table);
    if (window.MutationObserver && table.tBodies.length) {
      new MutationObserver(function () { label(table); })
        .observe(table.tBodies[0], { childList: true });
    }
  });
})();
