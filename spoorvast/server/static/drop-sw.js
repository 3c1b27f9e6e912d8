/* The drop page's service worker. It caches the page's own code for a quick start and
   never a file: a share from another app (Android's Web Share Target, a POST to /drop)
   is taken here, in memory, and handed to the page, which encrypts it; it never reaches
   the server as plaintext and is never written to a cache or to storage. */
const CACHE = "drop-page-2";
const PAGE = ["/drop/static/drop.js", "/drop/static/drop-hash.js", "/drop/static/drop-seal.js",
              "/drop/static/vendor/libsodium-wrappers-sumo.mjs",
              "/drop/static/vendor/libsodium-sumo.mjs", "/drop/icon.svg"];
let waiting = null;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PAGE)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => { // an older page's code is thrown away
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === "POST" && url.pathname === "/drop") {
    event.respondWith((async () => {
      const form = await event.request.formData();
      waiting = form.getAll("files").filter((f) => typeof f !== "string");
      return Response.redirect("/drop?shared=1", 303);
    })());
    return;
  }
  if (event.request.method === "GET" && PAGE.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(event.request))
      .then((hit) => hit || fetch(event.request)));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "ready" && waiting) {
    event.source.postMessage({type: "shared", files: waiting});
    waiting = null;
  }
});
