// /signin: one passkey button; afterwards the person goes back to `next` (home by default).
import { Island } from "../components/Island.tsx";
import type { Handlers } from "../lib/server/http/route.ts";
import { safeNext, withNext } from "../lib/server/http/next_target.ts";
import { t } from "../lib/i18n/mod.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

export const handler: Handlers = {
  GET(c) {
    const lang = c.get("lang");
    const next = safeNext(c.req.query("next"));
    if (c.get("user")) return c.redirect(next);
    return renderPage(
      c,
      t(lang, "signin.title"),
      (
        <section class="screen center auth">
          <span class="screen-mark" aria-hidden="true">
            <Icon name="key" size={28} />
          </span>
          <h1>{t(lang, "signin.title")}</h1>
          <p class="lead">{t(lang, "signin.lead")}</p>
          <Island name="SignIn" props={{ lang, next }} />
          <p class="switch">
            <a href={withNext("/signup", next)}>{t(lang, "signin.no_account")}</a>
          </p>
        </section>
      ),
    );
  },
};
