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
