// The tutor's day without signal. Registered (by offline.js, for tutors only) with the
// whole site as its scope, served as /tutor/sw.js with Service-Worker-Allowed: /.
// - It keeps a page only when the server says so: the header X-Offline-Keep names the
//   tutor it belongs to (a token, not a name). "none" (a page of someone who is not a
//   tutor) drops every kept page: a phone passed to another person shows them nothing.
// - On a message "keep" it fetches what the server lists for today and tomorrow
//   (/tutor/offline.json: the tutor's page and rosters) and keeps those, and only those.
// - Without signal, a kept page is shown as it was (marked with when it was kept), any
//   other page gets the offline page instead of the browser's error.
var STATIC = "civic-tutor-static-v2";   // the same for everyone: CSS, scripts, offline page
var PAGES = "civic-tutor-pages";        // one tutor's pages; dropped on logout
var HEADER = "X-Offline-Keep";
var OWNER = "/tutor/offline.owner";     // where the pages' owner is noted in PAGES
var MANIFEST = "/tutor/offline.json";
var OFFLINE = "/tutor/offline";
var ASSETS = ["/static/css/app.css", "/static/js/offline.js", "/static/js/roster.js",
              "/static/icons/favicon.svg", OFFLINE];

// What the worker fetches to keep says so (X-Offline-Fetch): the page it gets must not
// take the tutor's flash message ("Presenze salvate") meant for the page they are on.
var QUIETLY = { credentials: "same-origin", headers: { "X-Offline-Fetch": "keep" } };

function storeStatic(url) {
  return fetch(url, QUIETLY).then(function (response) {
    if (!response.ok || response.redirected) return;
    return caches.open(STATIC).then(function (cache) { return cache.put(url, response); });
  }).catch(function () {});  // no signal now: kept on the next "keep"
}

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(Promise.all(ASSETS.map(storeStatic)));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("civic-tutor-") === 0 && name !== STATIC && name !== PAGES;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The cache of this owner's pages: another owner's pages are dropped first.
function pagesOf(owner) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(OWNER).then(function (noted) { return noted ? noted.text() : null; })
      .then(function (current) {
        if (current === owner) return cache;
        return caches.delete(PAGES).then(function () { return caches.open(PAGES); })
          .then(function (fresh) {
            return fresh.put(OWNER, new Response(owner)).then(function () { return fresh; });
          });
      });
  });
}

// Keep a page the server marked for its tutor, with the time it was fetched.
function keep(url, response) {
  var owner = response.headers.get(HEADER);
  if (owner === "none") return caches.delete(PAGES);
  if (!owner || !response.ok || response.redirected) return Promise.resolve();
  var headers = new Headers(response.headers);
  headers.set("X-Kept-At", new Date().toISOString());
  return response.clone().blob().then(function (body) {
    var copy = new Response(body, { status: 200, headers: headers });
    return pagesOf(owner).then(function (cache) { return cache.put(url, copy); });
  });
}

function keepDay() {
  return fetch(MANIFEST, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (!response.ok || response.redirected) return null;
    return response.json();
  }).then(function (day) {
    if (!day) return 0;
    var wanted = day.pages.map(function (path) { return new URL(path, self.location.origin).href; });
    return pagesOf(day.owner).then(function (cache) {
      return Promise.all(wanted.map(function (url) {
        return fetch(url, QUIETLY)
          .then(function (response) { return keep(url, response); })
          .catch(function () {});
      })).then(function () { return cache.keys(); }).then(function (requests) {
        // yesterday's rosters go: the phone holds only what the day needs
        return Promise.all(requests.filter(function (request) {
          return request.url.indexOf(OWNER) === -1 && wanted.indexOf(request.url) === -1;
        }).map(function (request) { return cache.delete(request); }));
      });
    }).then(function () { return Promise.all(ASSETS.map(storeStatic)); })
      .then(function () { return wanted.length; });
  }).catch(function () { return 0; });
}

self.addEventListener("message", function (event) {
  var kind = event.data && event.data.type;
  var source = event.source;
  if (kind === "keep") {
    event.waitUntil(keepDay().then(function (count) {
      if (source) source.postMessage({ type: "kept", pages: count });
    }));
  } else if (kind === "forget") {
    event.waitUntil(caches.delete(PAGES).then(function () {
      if (source) source.postMessage({ type: "forgotten" });
    }));
  }
});

// A kept page, marked with when it was kept (offline.js shows "as of HH:MM").
function asKept(cached) {
  var at = cached.headers.get("X-Kept-At") || "";
  var headers = new Headers(cached.headers);
  headers.delete("Content-Length");
  return cached.text().then(function (html) {
    return new Response(html.replace("<html", '<html data-offline-as-of="' + at + '"'),
                        { status: 200, headers: headers });
  });
}

function withoutSignal(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request, { ignoreSearch: true });
  }).then(function (cached) {
    if (cached) return asKept(cached);
    return caches.match(OFFLINE, { cacheName: STATIC }).then(function (page) {
      return page || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(keep(request.url, response).catch(function () {}));
      return response;
    }, function () { return withoutSignal(request); }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.put(request, copy); }));
      }
      return response;
    }, function () {
      return caches.match(request, { cacheName: STATIC, ignoreSearch: true }).then(function (cached) {
        return cached || new Response("", { status: 503 });
      });
    }));
  }
});
