// /sw.js: the service worker (static/sw.js), with the build's version stamped in so that a new
// build refreshes the shell cache. Served from the root so that its scope is the whole site.
import type { Handlers } from "../lib/server/http/route.ts";
import { serviceWorkerSource } from "../lib/server/service_worker.ts";

export const handler: Handlers = {
  GET(c) {
    return c.body(serviceWorkerSource(c.get("deps").config.buildDir), 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-cache",
    });
  },
};
