// The tutor's day without signal, on every page a tutor opens (base.html includes it for
// tutors, the offline page too):
// - registers the service worker (roster-sw.js) and, online on "I miei turni", asks it to
//   keep today's and tomorrow's rosters;
// - on a page shown from the phone, says so, with the time it was kept;
// - sends the marks kept on the phone (roster.js queues them) as soon as the network is
//   back, from whatever page is open; each one carries its own key, which the server
//   applies once, and leaves the queue only when the server has answered;
// - on logout, drops the kept pages before leaving.
(function () {
  "use strict";
  var QUEUE = "civic-roster-queue";
  var KEPT_AT = "civic-tutor-kept-at";
  var KEEP_EVERY = 30 * 60 * 1000;
  var html = document.documentElement;
  var script = document.querySelector("script[data-offline]");
  var texts = script ? script.dataset : {};
  var manifest = texts.manifest || "/tutor/offline.json";
  var sending = null;
  var sentNow = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }
  function refused() { return parseInt(localStorage.getItem(QUEUE + "-refused") || "0", 10); }

  function main() { return document.getElementById("main") || document.body; }

  // The page's status line (the roster has one), or one made at the top of the page.
  function statusLine() {
    var line = document.querySelector("[data-offline-status]");
    if (!line) {
      line = document.createElement("p");
      line.setAttribute("data-offline-status", "");
      line.setAttribute("role", "status");
      line.hidden = true;
      main().insertBefore(line, main().firstChild);
    }
    return line;
  }
  function say(text, kind) {
    if (!text) return;
    var line = statusLine();
    line.textContent = text;
    line.className = "offline-status " + kind;
    line.hidden = false;
  }

  function show() {
    var waiting = load().length;
    if (waiting) say((texts.waiting || "").replace("{n}", waiting), "waiting");
    else if (refused()) {
      say((texts.refused || "").replace("{n}", refused()), "waiting");
      localStorage.removeItem(QUEUE + "-refused");  // said once
    }
    else if (sentNow) say(texts.sent, "sent");
  }

  // "Without signal: the page as it was at 09:12" on a page the service worker kept.
  function asOf() {
    var at = html.getAttribute("data-offline-as-of");
    if (at === null || !texts.asOf) return;
    var when = new Date(at);
    var time = isNaN(when) ? "?" : when.toLocaleTimeString(html.lang || "it", {
      hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Europe/Rome" });
    var note = document.createElement("p");
    note.className = "offline-note";
    note.setAttribute("role", "status");
    note.setAttribute("data-offline-note", "");
    note.textContent = texts.asOf.replace("{time}", time);
    main().insertBefore(note, main().firstChild);
  }

  function sendOne(item, csrf) {
    var body = new URLSearchParams(item.body);
    if (body.has("csrf_token")) body.set("csrf_token", csrf);
    return fetch(item.url, {
      method: "POST",
      body: body.toString(),
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (response) {
      // Sent to the login page (the session ended meanwhile): kept for after logging in.
      if (response.redirected && /\/login/.test(new URL(response.url).pathname)) throw "later";
      if (response.status >= 500 || response.status === 429) throw "later";
      // Answered: stored, already stored (the same key), or refused for good (4xx).
      save(load().filter(function (other) { return other.key !== item.key; }));
      if (response.status >= 400) localStorage.setItem(QUEUE + "-refused", String(refused() + 1));
      else sentNow += 1;
    });
  }

  // Send what waits, one at a time, with a fresh CSRF token (the page may be hours old).
  function flush() {
    if (sending) return sending;
    if (!load().length || !navigator.onLine) { show(); return Promise.resolve(); }
    sending = fetch(manifest, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw "later";
        return response.json();
      })
      .then(function (day) {
        // Marks made by another tutor on this phone wait for that tutor.
        var mine = load().filter(function (item) { return !item.owner || item.owner === day.owner; });
        return mine.reduce(function (chain, item) {
          return chain.then(function () { return sendOne(item, day.csrf); });
        }, Promise.resolve());
      })
      .catch(function () {})
      .then(function () { sending = null; show(); });
    return sending;
  }

  function worker() {
    if (!("serviceWorker" in navigator)) return;
    var container = navigator.serviceWorker;
    // The worker of before covered /tutor/ only: this one covers the day.
    container.getRegistrations().then(function (all) {
      all.forEach(function (registration) {
        if (/\/tutor\/$/.test(registration.scope)) registration.unregister();
      });
    });
    container.register("/tutor/sw.js", { scope: "/" }).catch(function () {});
    container.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") {
        localStorage.setItem(KEPT_AT, String(Date.now()));
        html.setAttribute("data-offline-kept", String(event.data.pages));
      }
    });
    // Fresh from the network, on the tutor's own page (or half an hour after the last time):
    // keep today's and tomorrow's rosters for when there is no signal.
    var fresh = html.getAttribute("data-offline-as-of") === null && navigator.onLine;
    var last = parseInt(localStorage.getItem(KEPT_AT) || "0", 10);
    if (fresh && texts.owner && (location.pathname === "/tutor" || Date.now() - last > KEEP_EVERY)) {
      container.ready.then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "keep" });
      });
    }
  }

  // Logging out drops the pages kept on the phone first (the marks waiting stay: they
  // are sent only for their own tutor, at their next login).
  function forget() {
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf("civic-tutor-") === 0; })
          .map(function (name) { return caches.delete(name); }));
      }));
    }
    if ("serviceWorker" in navigator) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (all) {
        return Promise.all(all.filter(function (registration) {
          var active = registration.active || registration.waiting || registration.installing;
          return active && /\/tutor\/sw\.js$/.test(active.scriptURL);
        }).map(function (registration) { return registration.unregister(); }));
      }));
    }
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    return Promise.race([Promise.all(jobs).catch(function () {}), timeout]);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[action$='/logout']") || form.dataset.forgotten) return;
    event.preventDefault();
    forget().then(function () {
      form.dataset.forgotten = "1";
      form.submit();
    });
  });

  window.civicOffline = { flush: flush, show: show, owner: texts.owner || null };
  window.addEventListener("online", flush);
  function start() {
    asOf();
    worker();
    flush();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
