// A long list of choices gets a box above it that narrows the list as one
// types. Progressive enhancement: without JavaScript the list is complete.
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var all = Array.prototype.slice.call(select.options).map(function (o) {
      return { value: o.value, text: o.text };
    });
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = select.id + "-filter";
    filter.setAttribute("aria-label", "Filter the list");
    filter.setAttribute("aria-controls", select.id);
    filter.placeholder = "Type to filter";
    select.parentNode.insertBefore(filter, select);
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      select.textContent = "";
      all.forEach(function (o) {
        var text = (o.text + " " + o.value).toLowerCase();
        if (words.every(function (w) { return text.indexOf(w) >= 0; })) {
          var option = new Option(o.text, o.value, false, o.value === chosen);
          select.add(option);
        }
      });
    });
  });
})();
