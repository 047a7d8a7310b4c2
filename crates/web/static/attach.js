// Attaching files from the editor: drop or paste a file into a Markdown text
// area marked data-attach (the space's address), or pick one with its
// button; the file is uploaded with a progress line and its Markdown is
// inserted at the cursor, where the live preview shows an image. Files over
// the size limit are explained before anything is sent. Progressive
// enhancement: without JavaScript the space's upload page does the same.
(function () {
  "use strict";
  function mib(bytes) { return (bytes / 1048576).toFixed(1) + " MiB"; }

  function enhance(area) {
    var form = area.form;
    var csrf = form && form.querySelector("input[name=csrf]");
    var space = area.getAttribute("data-attach");
    var max = parseInt(area.getAttribute("data-max-bytes"), 10) || 0;
    if (!csrf || !space) return;

    var bar = document.createElement("div");
    bar.className = "attach";
    var pick = document.createElement("input");
    pick.type = "file";
    pick.multiple = true;
    pick.id = area.id + "-files";
    pick.className = "visually-hidden";
    var label = document.createElement("label");
    label.htmlFor = pick.id;
    label.className = "button secondary";
    label.textContent = "Attach files";
    var hint = document.createElement("span");
    hint.className = "muted";
    hint.textContent = " or drop or paste them into the text" + (max ? " (at most " + mib(max) + " each)" : "");
    var status = document.createElement("p");
    status.className = "attach-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    bar.appendChild(pick);
    bar.appendChild(label);
    bar.appendChild(hint);
    bar.appendChild(status);
    area.insertAdjacentElement("afterend", bar);

    function say(text, problem) {
      status.textContent = text;
      status.classList.toggle("error", !!problem);
    }

    function insert(markdown) {
      var start = area.selectionStart, end = area.selectionEnd;
      var before = area.value.slice(0, start), after = area.value.slice(end);
      var gap = before && !/\n$/.test(before) ? "\n" : "";
      var text = gap + markdown + "\n";
      area.value = before + text + after;
      area.selectionStart = area.selectionEnd = start + text.length;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload(file) {
      if (!file.size) { say(file.name + " is empty: nothing to attach.", true); return; }
      if (max && file.size > max) {
        say(file.name + " is " + mib(file.size) + ": files may be at most " + mib(max) + ".", true);
        return;
      }
      var name = file.name || "pasted";
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/spaces/" + encodeURIComponent(space) +
        "/attachments?filename=" + encodeURIComponent(name));
      xhr.setRequestHeader("X-CSRF-Token", csrf.value);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) say("Uploading " + name + ": " + Math.round(100 * e.loaded / e.total) + "%");
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body) {
          insert(body.markdown);
          say("Attached " + body.filename + ".");
        } else {
          var why = body && body.error ? body.error.message : "the upload failed";
          say(name + " was not attached: " + why + ".", true);
        }
      };
      xhr.onerror = function () { say(name + " was not attached: the connection failed.", true); };
      say("Uploading " + name + ": 0%");
      xhr.send(file);
    }

    function each(files) { Array.prototype.forEach.call(files || [], upload); }
    pick.addEventListener("change", function () { each(pick.files); pick.value = ""; });
    area.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
        e.preventDefault();
        area.classList.add("dropping");
      }
    });
    area.addEventListener("dragleave", function () { area.classList.remove("dropping"); });
    area.addEventListener("drop", function (e) {
      area.classList.remove("dropping");
      if (e.dataTransfer && e.dataTransfer.files.length) {
        e.preventDefault();
        each(e.dataTransfer.files);
      }
    });
    area.addEventListener("paste", function (e) {
      var files = e.clipboardData && e.clipboardData.files;
      if (files && files.length) {
        e.preventDefault();
        each(files);
      }
    });
  }
  document.querySelectorAll("textarea[data-attach]").forEach(enhance);
})();
