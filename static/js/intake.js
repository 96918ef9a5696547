// The intake form works without signal, as the tutor's roster does: the service worker
// keeps a copy of the form, a form sent offline is kept on the phone and sent when the
// network returns. Each form carries a key made here, so the server records it once
// however many times it arrives. Without JavaScript the form simply posts.
(function () {
  "use strict";
  var QUEUE = "civic-intake-queue";
  var form = document.querySelector("form[data-intake]");
  var status = document.querySelector("[data-offline-status]");
  var review = document.querySelector("[data-offline-review]");
  var reviewList = document.querySelector("[data-review-list]");
  var texts = document.getElementById("offline-texts");
  var sending = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/cases/sw.js", { scope: "/cases/" }).catch(function () {});
  }
  if (!form || !texts) return;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }
  function input(name) { return form.querySelector("[name=" + name + "]"); }

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }
  function without(key) { save(load().filter(function (item) { return item.key !== key; })); }
  function waiting() { return load().filter(function (item) { return !item.check; }); }

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "offline-status " + kind;
    status.hidden = false;
  }

  // The consent text in the language chosen for the person (the page has them all).
  function showConsent() {
    var select = input("language");
    var shown = document.querySelector("[data-consent-text]");
    var all = document.getElementById("consent-texts");
    if (!select || !shown || !all) return;
    var source = all.content.querySelector('[data-for="' + select.value + '"]');
    if (!source) return;
    shown.textContent = source.textContent;
    shown.lang = source.lang;
  }

  // A new, empty form: a new key, today's date (the copy on the phone may be days old).
  function fresh() {
    input("client_key").value = newKey();
    input("met_on").value = today();
    showConsent();
  }

  function clear() {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit" || el.type === "hidden") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = false;
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = "";
    });
    // The known people offered were for the person just queued.
    var matches = document.getElementById("person");
    if (matches) matches.remove();
    var summary = form.querySelector(".error-summary");
    if (summary) summary.remove();
    fresh();
  }

  function fill(body) {
    var values = new URLSearchParams(body);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "submit") return;
      var given = values.getAll(el.name);
      if (el.type === "checkbox" || el.type === "radio") el.checked = given.indexOf(el.value) !== -1;
      else el.value = given.length ? given[0] : "";
    });
    showConsent();
  }

  function waitingText() {
    var n = waiting().length;
    if (!n) return "";
    return n === 1 ? texts.dataset.waitingOne : texts.dataset.waiting.replace("{n}", n);
  }

  function show() {
    var queue = load();
    if (waiting().length) say(waitingText(), "waiting");
    else if (status && / waiting$/.test(status.className)) status.hidden = true;
    var toCheck = queue.filter(function (item) { return item.check; });
    if (!review || !reviewList) return;
    reviewList.textContent = "";
    toCheck.forEach(function (item) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(item.label + " "));
      var open = document.createElement("button");
      open.type = "button";
      open.className = "button";
      open.textContent = texts.dataset.open;
      open.addEventListener("click", function () {
        fill(item.body);
        say(texts.dataset.opened, "waiting");
        input("first_name").focus();
      });
      li.appendChild(open);
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button button-danger";
      discard.textContent = texts.dataset.discard;
      discard.addEventListener("click", function () {
        if (window.confirm(texts.dataset.discardConfirm)) { without(item.key); show(); }
      });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(discard);
      reviewList.appendChild(li);
    });
    review.hidden = !toCheck.length;
  }

  // The token of this browser's current session (the copy of the page may be older).
  function freshToken() {
    return fetch("/cases/new", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok || (r.redirected && /\/login/.test(new URL(r.url).pathname))) return null;
      return r.text().then(function (html) {
        var found = /<meta name="csrf-token" content="([^"]+)"/.exec(html);
        return found ? found[1] : null;
      });
    });
  }

  // "sent": recorded (or already recorded); "wait": try again later (no session, or the
  // server failed); "check": the form came back (a known person to choose, an error).
  function send(item, token) {
    var body = new URLSearchParams(item.body);
    body.set("csrf_token", token);
    return fetch(item.url, {
      method: "POST",
      body: body.toString(),
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (response) {
      var path = new URL(response.url).pathname;
      if (response.redirected && /\/login/.test(path)) return "wait";
      if (response.redirected && /^\/cases\/\d+$/.test(path)) return "sent";
      if (response.status >= 500) return "wait";
      return "check";
    });
  }

  function sendNext(token, sentAny) {
    var item = waiting()[0];
    if (!item) {
      if (sentAny) say(texts.dataset.sent, "sent");
      return Promise.resolve();
    }
    return send(item, token).then(function (outcome) {
      if (outcome === "wait") return;
      if (outcome === "sent") without(item.key);
      else save(load().map(function (other) {
        if (other.key === item.key) other.check = true;
        return other;
      }));
      return sendNext(token, sentAny || outcome === "sent");
    });
  }

  // With a weak signal the phone may say it is online while nothing gets through: what
  // is still waiting is tried again, less and less often (3 s, 6 s ... up to a minute).
  var retryIn = 3000;
  var retry = null;
  function later() {
    if (retry || !waiting().length) return;
    retry = window.setTimeout(function () { retry = null; flush(); }, retryIn);
    retryIn = Math.min(retryIn * 2, 60000);
  }

  function flush() {
    if (sending || !navigator.onLine || !waiting().length) { show(); return Promise.resolve(); }
    sending = true;
    return freshToken()
      .then(function (token) { return token ? sendNext(token, false) : null; })
      .catch(function () {})
      .then(function () {
        sending = false;
        // How many sends were tried on this page (the browser tests wait on it).
        form.dataset.flushed = String(Number(form.dataset.flushed || 0) + 1);
        show();
        if (waiting().length) later(); else retryIn = 3000;
      });
  }

  form.addEventListener("submit", function (event) {
    var key = input("client_key").value;
    // Sent as the plain form post; one opened from the list leaves the list.
    if (navigator.onLine) { without(key); return; }
    event.preventDefault();
    var label = (input("first_name").value || "?") + " · " + input("met_on").value;
    var queue = load().filter(function (item) { return item.key !== key; });
    queue.push({
      key: key,
      url: form.action || window.location.pathname,
      body: new URLSearchParams(new FormData(form)).toString(),
      label: label,
      check: false,
    });
    save(queue);
    clear();
    show();
    say(texts.dataset.saved + " " + waitingText(), "waiting");
    window.scrollTo(0, 0);
  });

  var language = input("language");
  if (language) language.addEventListener("change", showConsent);
  if (form.hasAttribute("data-fresh")) fresh();
  window.addEventListener("online", flush);
  flush();
})();
