// Chat launcher: when a chat is in progress in this browser, offer to return to it.
(function () {
  "use strict";
  var launcher = document.getElementById("chat-launcher");
  if (!launcher) return;
  var saved = null;
  // chat.js keeps its state in this tab's sessionStorage (never the token; see chat.js).
  try { saved = JSON.parse(window.sessionStorage.getItem("helpline.chat") || "null"); } catch (e) { saved = null; }
  if (!saved || !saved.conv || saved.ended) return;
  var summary = launcher.querySelector("summary");
  var start = launcher.querySelector("[data-chat-start]");
  var label = launcher.getAttribute("data-resume-label");
  if (summary) summary.textContent = label;
  if (start) {
    start.textContent = label;
    start.setAttribute("href", launcher.getAttribute("data-room-url"));
  }
})();
