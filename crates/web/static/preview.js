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
    // Busy from a keystroke until the preview shows the text as it is, so
    // assistive technology (and a page's tests) can wait for it to settle.
    function settled(text) {
      if (last === text) box.setAttribute("aria-busy", "false");
    }
    function render() {
      var text = area.value;
      if (text === last) { settled(text); return; }
      last = text;
      if (!text.trim()) { box.innerHTML = ""; settled(text); return; }
      fetch("/api/v1/preview", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.value },
        body: JSON.stringify({ body: text })
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) { if (j && last === text) box.innerHTML = j.html; })
        .catch(function () {})
        .then(function () { settled(text); });
    }
    area.addEventListener("input", function () {
      box.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
    if (area.value.trim()) box.setAttribute("aria-busy", "true");
    render();
  }
  document.querySelectorAll("textarea[data-preview]").forEach(attach);
})();
