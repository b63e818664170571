// Spazio's service worker: precaches the shell, serves the offline page when the network is gone,
// and keeps hashed bundles cache-first. Live traffic (API, rooms, media) is never cached.
const VERSION = __VERSION__;
const SHELL = "spazio-shell-" + VERSION;
const ASSETS = "spazio-assets";
const PRECACHE = [
  "/offline",
  "/static/styles.css",
  "/manifest.webmanifest",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/icons/maskable-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("spazio-shell-") && k !== SHELL).map((k) => caches.delete(k)))
      )
      .then(() => self.clients.claim()),
  );
});

// The cached offline page, its "Try again" pointed at the page that failed to load: what the
// server renders for /offline?next=<that page>, under the same rule as lib/http/next_target.ts.
async function offlinePage(url) {
  const hit = await caches.match("/offline", { cacheName: SHELL });
  if (!hit) return Response.error();
  const next = url.pathname === "/offline" ? url.searchParams.get("next") ?? "/" : url.pathname + url.search;
  if (!/^\/(?![/\\])/.test(next)) return hit;
  const attr = next.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = (await hit.text()).replace(
    /<a\b[^>]*\bdata-retry\b[^>]*>/,
    (tag) => tag.replace(/\bhref="[^"]*"/, `href="${attr}"`),
  );
  // The body is now this text, decoded and of another length.
  const headers = new Headers(hit.headers);
  for (const h of ["content-length", "content-encoding"]) headers.delete(h);
  return new Response(html, { status: hit.status, statusText: hit.statusText, headers });
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (req.mode === "navigate") {
    event.respondWith(fetch(req).catch(() => offlinePage(url)));
    return;
  }
  if (url.pathname.startsWith("/_build/")) {
    // Content-hashed: a cached copy is always right.
    event.respondWith(
      caches.match(req).then((hit) =>
        hit ?? fetch(req).then((res) => {
          if (res.ok) caches.open(ASSETS).then((c) => c.put(req, res.clone()));
          return res;
        })
      ),
    );
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    // Stale while revalidate: fast from cache, refreshed in the background.
    event.respondWith(
      caches.match(req).then((hit) => {
        const fresh = fetch(req).then((res) => {
          if (res.ok) caches.open(SHELL).then((c) => c.put(req, res.clone()));
          return res;
        });
        return hit ?? fresh;
      }),
    );
  }
});

// Web Push for calls (lib/push/send.ts writes the payload): an incoming or missed call shows a
// notification even with every Spazio tab closed; its actions open the call screen.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch { /* not JSON: a generic notification below */ }
  const sameOrigin = (u) => (typeof u === "string" && u.startsWith("/") && !u.startsWith("//") ? u : "/");
  const actions = Array.isArray(data.actions) ? data.actions.slice(0, 2) : [];
  event.waitUntil(self.registration.showNotification(data.title || "Spazio", {
    body: data.body || "",
    tag: data.tag,
    renotify: Boolean(data.tag),
    requireInteraction: data.type === "incomingCall",
    icon: "/static/icons/icon-192.png",
    data: { url: sameOrigin(data.url), actions: Object.fromEntries(actions.map((a) => [a.action, sameOrigin(a.url)])) },
    actions: actions.map((a) => ({ action: String(a.action), title: String(a.title) })),
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const d = event.notification.data || {};
  const path = (event.action && d.actions && d.actions[event.action]) || d.url || "/";
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      // Reuse a Spazio window: bring it to the call screen rather than opening another.
      const win = list.find((c) => new URL(c.url).origin === self.location.origin);
      // navigate() only works on windows this worker controls; otherwise open a new one.
      if (win) return win.navigate(target).then((c) => (c || win).focus()).catch(() => self.clients.openWindow(target));
      return self.clients.openWindow(target);
    }),
  );
});
