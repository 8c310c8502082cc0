// Call record: show the reviewed triage message as soon as an urgent sign is ticked.
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) { return; }
  function update() {
    var chosen = {};
    form.querySelectorAll("input[name=urgent_signs]").forEach(function (box) {
      if (box.checked) { chosen[box.getAttribute("data-category")] = true; }
    });
    form.querySelectorAll("[data-triage-for]").forEach(function (note) {
      note.hidden = !chosen[note.getAttribute("data-triage-for")];
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "urgent_signs") { update(); }
  });
  update();
})();
