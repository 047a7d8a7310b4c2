// Suggests topics that resemble a title while it is written, so that an
// answered question is found before it is asked again. Progressive
// enhancement: without JavaScript the form works unchanged.
(function () {
  "use strict";
  var input = document.querySelector("input[data-similar]");
  var box = document.getElementById("similar-topics");
  if (!input || !box) return;
  var timer = null;
  var last = null;
  function show(items) {
    box.textContent = "";
    if (!items.length) return;
    var p = document.createElement("p");
    p.textContent = "Already asked? These topics look alike:";
    var list = document.createElement("ul");
    items.forEach(function (t) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = t.url;
      a.target = "_blank";
      a.textContent = t.title;
      li.appendChild(a);
      if (t.accepted_reply) li.appendChild(document.createTextNode(" (answered)"));
      list.appendChild(li);
    });
    box.appendChild(p);
    box.appendChild(list);
  }
  // Busy from a keystroke until the suggestions match the title as it is.
  function settled(title) {
    if (last === title) box.setAttribute("aria-busy", "false");
  }
  function ask() {
    var title = input.value.trim();
    if (title === last) { settled(title); return; }
    last = title;
    if (title.length < 4) { show([]); settled(title); return; }
    // Across every space the writer may read: the same question may have
    // been answered elsewhere.
    var url = "/api/v1/search/similar?title=" + encodeURIComponent(title);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j && last === title) show(j.items); })
      .catch(function () {})
      .then(function () { settled(title); });
  }
  input.addEventListener("input", function () {
    box.setAttribute("aria-busy", "true");
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  });
})();
