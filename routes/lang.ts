// /lang: the language switch (a form post); remembered in a cookie, then back to the page.
import { setCookie } from "hono/cookie";
import { safeNext } from "../lib/server/http/next_target.ts";
import type { Handlers } from "../lib/server/http/route.ts";
import { isHttps, LANG_COOKIE } from "../lib/server/http/session.ts";
import { isLang } from "../lib/i18n/mod.ts";

export const handler: Handlers = {
  async POST(c) {
    const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
    const lang = form.lang;
    if (!isLang(lang)) return c.text("unknown language", 400);
    setCookie(c, LANG_COOKIE, lang, { path: "/", sameSite: "Lax", secure: isHttps(c), maxAge: 365 * 86_400 });
    return c.redirect(safeNext(typeof form.back === "string" ? form.back : "/"), 303);
  },
};
