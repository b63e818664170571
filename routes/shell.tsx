// The PWA shell: language switch, offline page, web app manifest and service worker.
import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../lib/http/env.ts";
import { isHttps, LANG_COOKIE } from "../lib/http/session.ts";
import { isLang, t } from "../lib/i18n/mod.ts";
import { renderPage } from "../lib/render.tsx";
import { safeNext } from "./auth.tsx";

const shell = new Hono<AppEnv>();

shell.post("/lang", async (c) => {
  const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
  const lang = form.lang;
  if (!isLang(lang)) return c.text("unknown language", 400);
  setCookie(c, LANG_COOKIE, lang, { path: "/", sameSite: "Lax", secure: isHttps(c), maxAge: 365 * 86_400 });
  return c.redirect(safeNext(typeof form.back === "string" ? form.back : "/"), 303);
});

shell.get("/offline", (c) => {
  const lang = c.get("lang");
  return renderPage(c, t(lang, "offline.title"), (
    <section class="card narrow">
      <h1>{t(lang, "offline.title")}</h1>
      <p>{t(lang, "offline.body")}</p>
      <p><a class="button" href="/">{t(lang, "offline.retry")}</a></p>
    </section>
  ));
});

shell.get("/manifest.webmanifest", (c) => {
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
      theme_color: "#5b21b6",
      background_color: "#0f0a1f",
      icons: [
        { src: "/static/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
        { src: "/static/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
        { src: "/static/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
      ],
    }),
    200,
    { "content-type": "application/manifest+json", "cache-control": "no-cache" },
  );
});

/** The service worker, with a version stamped in so that a new build refreshes the shell cache. */
export function serviceWorkerRoute(source: string, version: string) {
  const body = source.replace("__VERSION__", JSON.stringify(version));
  return (c: Context<AppEnv>) =>
    c.body(body, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" });
}

export default shell;
