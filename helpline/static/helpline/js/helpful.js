// "Was this helpful?": post the form in place and thank the visitor in its live region.
// Without this script the form posts normally and the server redirects back.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-helpful-form]");
  Array.prototype.forEach.call(forms, function (form) {
    var status = form.querySelector("[data-helpful-status]");
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !window.fetch || !window.FormData) return;
      event.preventDefault();
      var data = new FormData(form);
      data.append(button.name, button.value);
      var buttons = form.querySelectorAll("button");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok) {
          var hide = form.querySelectorAll(".helpful-reason, .helpful-buttons");
          Array.prototype.forEach.call(hide, function (el) { el.hidden = true; });
          status.textContent = result.body.message;
        } else {
          status.textContent = (result.body.error && result.body.error.message) || result.body.message || "";
          Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        }
      }).catch(function () {
        // Network trouble: fall back to the plain form post.
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = button.name;
        field.value = button.value;
        form.appendChild(field);
        form.submit();
      });
    });
  });
})();
