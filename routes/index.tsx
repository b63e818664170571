// Home: the welcome, and (with the Spaces issue) live and upcoming Spaces.
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/env.ts";
import { t } from "../lib/i18n/mod.ts";
import { renderPage } from "../lib/render.tsx";

const home = new Hono<AppEnv>();

home.get("/", (c) => {
  const lang = c.get("lang");
  const user = c.get("user");
  return renderPage(c, t(lang, "home.title"), (
    <section class="card hero">
      <h1>{user ? t(lang, "home.welcome", { name: user.displayName }) : t(lang, "app.name")}</h1>
      <p class="lead">{t(lang, "app.tagline")}</p>
      {!user && (
        <p class="actions">
          <a class="button" href="/signup">{t(lang, "nav.signup")}</a>
          <a class="button secondary" href="/signin">{t(lang, "nav.signin")}</a>
        </p>
      )}
    </section>
  ));
});

export default home;
