// The structured editor, better with JavaScript: a debounced live preview (the same
// page the Preview button shows) and "move up / move down" for sections and references.
(function () {
  "use strict";
  var form = document.getElementById("structured-editor");
  if (!form) { return; }
  var frame = document.getElementById("article-preview");
  var status = document.getElementById("preview-status");
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var pending = null;

  function refresh() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var data = new FormData(form);
    status.textContent = status.getAttribute("data-updating") || "…";
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (response) {
        return response.text().then(function (html) {
          frame.srcdoc = html;
          status.textContent = response.ok ? status.getAttribute("data-ok") : status.getAttribute("data-error");
          frame.setAttribute("data-preview-state", response.ok ? "ok" : "error");
        });
      })
      .catch(function () { /* aborted by a newer edit */ });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  var button = form.querySelector("[data-preview-button]");
  if (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      refresh();
      // One column (phones): bring the preview into view.
      if (window.matchMedia("(max-width: 1099px)").matches) {
        document.getElementById("preview-h").scrollIntoView();
      }
    });
  }

  function renumber(container) {
    var rows = container.querySelectorAll(":scope > [data-row]");
    rows.forEach(function (row, index) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) { order.value = index + 1; }
    });
  }

  document.querySelectorAll("[data-rows]").forEach(function (container) {
    container.querySelectorAll(":scope > [data-row]").forEach(function (row) {
      var controls = row.querySelector(".row-controls");
      if (!controls) { return; }
      [["up", "↑"], ["down", "↓"]].forEach(function (pair) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "secondary";
        b.textContent = pair[1];
        b.setAttribute("aria-label", pair[0] === "up" ? form.getAttribute("data-label-up") || "Move up"
                                                      : form.getAttribute("data-label-down") || "Move down");
        b.setAttribute("data-move", pair[0]);
        b.addEventListener("click", function () {
          var sibling = pair[0] === "up" ? row.previousElementSibling : row.nextElementSibling;
          if (!sibling) { return; }
          if (pair[0] === "up") { container.insertBefore(row, sibling); }
          else { container.insertBefore(sibling, row); }
          renumber(container);
          b.focus();
          schedule();
        });
        controls.appendChild(b);
      });
    });
  });
  if (frame && !frame.srcdoc) { refresh(); }
}());
