// The roster works without signal: a form sent offline is kept on the phone and sent
// again when the network returns (by offline.js, on any page, for tutors; by this script,
// on this page, for staff). Each kept form gets a key made here, which makes the server
// apply it once however many times it arrives.
(function () {
  "use strict";
  var QUEUE = "civic-roster-queue";
  var status = document.querySelector("[data-offline-status]");
  var texts = document.getElementById("offline-texts");
  var here = window.location.pathname;

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "offline-status " + kind;
    status.hidden = false;
  }

  function show() {
    if (!texts) return;
    var waiting = load().length;
    if (waiting) say(texts.dataset.waiting.replace("{n}", waiting), "waiting");
  }

  // What the form says, without its key and token: two sends of the same marks are one.
  function marksOf(body) {
    var values = new URLSearchParams(body);
    values.delete("key");
    values.delete("csrf_token");
    return values.toString();
  }

  // A page kept on the phone shows the marks as they were: put back those still waiting.
  function fill(form) {
    var waiting = load().filter(function (item) { return item.url === (form.action || here); });
    if (!waiting.length) return;
    var values = new URLSearchParams(waiting[waiting.length - 1].body);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "key" || el.type === "submit") return;
      if (!values.has(el.name)) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.getAll(el.name).indexOf(el.value) !== -1;
      else el.value = values.get(el.name);
    });
  }

  function watch(form) {
    fill(form);
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return; // the plain form post; the server answers
      event.preventDefault();
      var owner = window.civicOffline ? window.civicOffline.owner : null;
      var url = form.action || here;
      var queue = load();
      var body = new URLSearchParams(new FormData(form)).toString();
      var same = queue.some(function (item) { return item.url === url && marksOf(item.body) === marksOf(body); });
      if (!same) {
        form.querySelector("input[name=key]").value = newKey();
        body = new URLSearchParams(new FormData(form)).toString();
        // a correction made again offline replaces the one still waiting for this roster
        queue = queue.filter(function (item) { return item.url !== url; });
        queue.push({ url: url, body: body, key: form.querySelector("input[name=key]").value,
                     owner: owner, at: new Date().toISOString() });
        save(queue);
      }
      if (texts) say(texts.dataset.saved, "waiting");
    });
  }

  // Before its session starts a roster is read-only; on a phone without signal the form
  // came with it, dormant, and comes out at the start (the server decides when it arrives).
  function wake(dormant) {
    var opens = new Date(dormant.dataset.opensAt).getTime();
    function open() {
      var form = dormant.content.querySelector("form");
      if (!form) return;
      var notice = document.querySelector(".roster-not-open");
      var readOnly = document.querySelector(".roster-read-only");
      dormant.parentNode.insertBefore(document.importNode(dormant.content, true), dormant);
      dormant.remove();
      if (notice) notice.remove();
      if (readOnly) readOnly.remove();
      var live = document.querySelector("form[data-roster]");
      if (live) watch(live);
    }
    var wait = opens - Date.now();
    if (wait <= 0) open();
    else if (wait < 24 * 3600 * 1000) setTimeout(open, wait);
  }

  var dormant = document.querySelector("template[data-roster-dormant]");
  var form = document.querySelector("form[data-roster]");
  if (form) watch(form);
  // Online, the server has the current page: only a page kept on the phone wakes its form.
  if (dormant && !form && document.documentElement.hasAttribute("data-offline-as-of")) wake(dormant);

  if (window.civicOffline) return; // a tutor's page: offline.js sends what waits

  // Staff: nothing of theirs is kept on the phone (a worker of before, at /tutor/, goes),
  // and what waits is sent from this page, with this page's token.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.getRegistrations().then(function (all) {
      all.forEach(function (registration) {
        if (/\/tutor\/$/.test(registration.scope)) registration.unregister();
      });
    }).catch(function () {});
  }
  function send(item) {
    var body = new URLSearchParams(item.body);
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta && body.has("csrf_token")) body.set("csrf_token", meta.content);
    return fetch(item.url, {
      method: "POST",
      body: body.toString(),
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (response) {
      if (response.redirected && /\/login/.test(new URL(response.url).pathname)) return false;
      return response.status < 500;
    });
  }

  function flush() {
    var queue = load().filter(function (item) { return !item.owner; });
    if (!queue.length || !navigator.onLine) { show(); return Promise.resolve(); }
    var item = queue[0];
    return send(item).then(function (done) {
      if (done) {
        save(load().filter(function (other) { return other.key !== item.key; }));
        if (!load().length && texts) say(texts.dataset.sent, "sent");
        return flush();
      }
      show();
    }, function () { show(); });
  }
  window.addEventListener("online", flush);
  flush();
})();
