// Live updates: new replies appear at the end of the topic's last page and
// the bell counts new notifications, without a reload. The server streams
// them (Server-Sent Events); the browser reconnects and resumes by itself.
// Progressive enhancement: without JavaScript, a reload shows the same.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var bell = document.querySelector("a.bell");
  var thread = document.querySelector("[data-live-topic]");
  if (!bell && !thread) return;
  var query = [];
  if (thread) query.push("topic=" + encodeURIComponent(thread.getAttribute("data-live-topic")));
  // Start after the newest event the page was built with: nothing between
  // the page and the stream is missed.
  var after = document.body.getAttribute("data-live-after");
  if (after) query.push("after=" + encodeURIComponent(after));
  var url = "/api/v1/events" + (query.length ? "?" + query.join("&") : "");
  var source = new EventSource(url);
  // A page left (or kept for "back") lets go of its stream at once: browsers
  // hold few connections to one site, and a lingering stream takes one.
  window.addEventListener("pagehide", function () { source.close(); });
  var status = null;
  var arrived = 0;

  source.addEventListener("notification", function (e) {
    if (!bell) return;
    var unread = JSON.parse(e.data).unread;
    var count = bell.querySelector(".count");
    if (!unread) { if (count) count.remove(); return; }
    if (!count) {
      count = document.createElement("span");
      count.className = "count";
      bell.appendChild(document.createTextNode(" "));
      bell.appendChild(count);
    }
    count.textContent = unread >= 100 ? "99+" : String(unread);
    count.setAttribute("aria-label", (unread >= 100 ? "more than 99" : unread) + " unread");
  });

  function show(reply) {
    if (document.getElementById("r-" + reply.id)) return;
    var article = document.createElement("article");
    article.id = "r-" + reply.id;
    article.className = "reply live indent-" + Math.min(reply.depth, 8);
    var header = document.createElement("header");
    header.className = "muted";
    var author = document.createElement("a");
    author.href = "/u/" + encodeURIComponent(reply.author.username);
    author.textContent = reply.author.display_name;
    var when = document.createElement("a");
    when.href = reply.url;
    when.textContent = "just now";
    header.appendChild(author);
    header.appendChild(document.createTextNode(" · "));
    header.appendChild(when);
    var body = document.createElement("div");
    body.className = "body";
    // Sanitized by the server when the reply was written, as on the page.
    body.innerHTML = reply.body_html;
    article.appendChild(header);
    article.appendChild(body);
    var pages = thread.querySelector("nav.pages");
    thread.insertBefore(article, pages);
    arrived += 1;
    if (!status) {
      status = document.createElement("p");
      status.className = "notice live-status";
      status.setAttribute("role", "status");
      thread.insertBefore(status, thread.querySelector("h2").nextSibling);
    }
    status.textContent = arrived + (arrived === 1 ? " new reply" : " new replies") + " arrived below.";
  }

  source.addEventListener("reply", function (e) {
    var id = JSON.parse(e.data).reply_id;
    if (!thread || document.getElementById("r-" + id)) return;
    fetch("/api/v1/replies/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (reply) { if (reply && !reply.deleted) show(reply); })
      .catch(function () {});
  });
})();
