// Keeps the intake form (and only the form: never a case page) openable without signal:
// network first, the last copy otherwise. Registered with the scope /cases/.
var CACHE = "civic-intake-v1";
var FORM = "/cases/new";

function keep(request, response) {
  // A login page answering for the form (the session ended) is not the form.
  if (!response.ok || response.redirected) return;
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
}

//: What the form needs, kept at once: the very next visit works offline.
var ASSETS = ["/static/css/app.css", "/static/js/intake.js", "/static/icons/favicon.svg"];

function store(url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok || response.redirected) return;
    return caches.open(CACHE).then(function (cache) { return cache.put(url, response); });
  }).catch(function () {});  // no signal now: kept on the next visit instead
}

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(Promise.all([FORM].concat(ASSETS).map(store)));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("civic-intake-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname !== FORM && !url.pathname.startsWith("/static/")) return;
  event.respondWith(
    fetch(request).then(function (response) {
      keep(request, response);
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: url.pathname === FORM }).then(function (cached) {
        return cached || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
      });
    })
  );
});
