// /signup: a new account with a passkey; afterwards the person goes back to `next` if there is one.
import { Island } from "../components/Island.tsx";
import type { Handlers } from "../lib/server/http/route.ts";
import { safeNext, withNext } from "../lib/server/http/next_target.ts";
import { t } from "../lib/i18n/mod.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

export const handler: Handlers = {
  GET(c) {
    const lang = c.get("lang");
    const asked = c.req.query("next");
    const next = asked === undefined ? null : safeNext(asked);
    if (c.get("user")) return c.redirect(next ?? "/");
    return renderPage(
      c,
      t(lang, "signup.title"),
      (
        <section class="screen auth">
          <header class="screen-head">
            <span class="screen-mark" aria-hidden="true">
              <Icon name="broadcast" size={28} />
            </span>
            <div>
              <h1>{t(lang, "signup.title")}</h1>
              <p class="muted">{t(lang, "home.cta")}</p>
            </div>
          </header>
          <Island name="SignUp" props={{ lang, next }} />
          <p class="switch">
            <a href={withNext("/signin", next)}>{t(lang, "signup.have_account")}</a>
          </p>
        </section>
      ),
    );
  },
};
