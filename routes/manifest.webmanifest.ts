// /manifest.webmanifest: the web app manifest, in the reader's language. The PWA shell is this,
// sw.js.ts and offline.tsx.
import type { Handlers } from "../lib/server/http/route.ts";
import { t } from "../lib/i18n/mod.ts";

export const handler: Handlers = {
  GET(c) {
    const lang = c.get("lang");
    return c.body(
      JSON.stringify({
        name: "Spazio",
        short_name: "Spazio",
        description: t(lang, "app.tagline"),
        id: "/",
        start_url: "/?source=pwa",
        scope: "/",
        display: "standalone",
        orientation: "any",
        lang,
        // The light theme's page colour (static/styles.css --bg, the light theme-color of the
        // layout): the splash an installed app shows before its first page is that page's colour,
        // not a dark flash before a light page. A manifest has one colour; light is the default.
        theme_color: "#f6f4fb",
        background_color: "#f6f4fb",
        icons: [
          { src: "/static/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/static/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/static/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      }),
      200,
      { "content-type": "application/manifest+json", "cache-control": "no-cache" },
    );
  },
};
