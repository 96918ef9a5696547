// The roster works without signal: a form sent offline is kept on the phone and sent
// again when the network returns. Its hidden key makes the server apply it once.
(function () {
  "use strict";
  var QUEUE = "civic-roster-queue";
  var form = document.querySelector("form[data-roster]");
  var status = document.querySelector("[data-offline-status]");
  var texts = document.getElementById("offline-texts");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/tutor/sw.js", { scope: "/tutor/" }).catch(function () {});
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }

  function show() {
    if (!status || !texts) return;
    var waiting = load().length;
    if (waiting) {
      status.textContent = texts.dataset.waiting.replace("{n}", waiting);
      status.hidden = false;
      status.className = "offline-status waiting";
    }
  }

  function send(item) {
    // After a new login the form's CSRF token is stale: use the one of this page.
    var body = new URLSearchParams(item.body);
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta && body.has("csrf_token")) body.set("csrf_token", meta.content);
    return fetch(item.url, {
      method: "POST",
      body: body.toString(),
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (response) {
      // Sent to the login page (the session ended meanwhile): keep it for after logging in.
      if (response.redirected && /\/login/.test(new URL(response.url).pathname)) return false;
      // 2xx/3xx: stored (or already stored). 4xx: will never succeed; drop it.
      return response.status < 500;
    });
  }

  function flush() {
    var queue = load();
    if (!queue.length || !navigator.onLine) { show(); return Promise.resolve(); }
    var item = queue[0];
    return send(item).then(function (done) {
      if (done) {
        save(load().filter(function (other) { return other.key !== item.key; }));
        if (!load().length && status && texts) {
          status.textContent = texts.dataset.sent;
          status.className = "offline-status sent";
          status.hidden = false;
        }
        return flush();
      }
      show();
    }, function () { show(); });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var body = new URLSearchParams(new FormData(form)).toString();
      var item = { url: form.action || window.location.pathname, body: body,
                   key: form.querySelector("input[name=key]").value };
      if (navigator.onLine) return; // the plain form post; the server answers
      event.preventDefault();
      var queue = load();
      queue.push(item);
      save(queue);
      if (status && texts) {
        status.textContent = texts.dataset.saved;
        status.className = "offline-status waiting";
        status.hidden = false;
      }
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
