// Live preview for Markdown text areas. Progressive enhancement: without
// JavaScript the forms work unchanged; with it, a preview appears below
// each text area marked data-preview, rendered by the server's sanitizer.
(function () {
  "use strict";
  function attach(area) {
    var form = area.form;
    var csrf = form && form.querySelector("input[name=csrf]");
    if (!csrf) return;
    var box = document.createElement("div");
    box.className = "preview body";
    box.setAttribute("aria-live", "polite");
    box.setAttribute("aria-label", "Preview");
    area.insertAdjacentElement("afterend", box);
    var timer = null;
    var last = null;
    function render() {
      var text = area.value;
      if (text === last) return;
      last = text;
      if (!text.trim()) { box.innerHTML = ""; return; }
      fetch("/api/v1/preview", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.value },
        body: JSON.stringify({ body: text })
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) { if (j && last === text) box.innerHTML = j.html; })
        .catch(function () {});
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
    render();
  }
  document.querySelectorAll("textarea[data-preview]").forEach(attach);
})();
