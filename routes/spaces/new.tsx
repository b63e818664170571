// /spaces/new: start a Space now or schedule one (?when=later opens on scheduling).
import { Island } from "../../components/Island.tsx";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { renderPage } from "../../lib/server/render.tsx";
import { Icon } from "../../components/Icon.tsx";

export const handler: Handlers = {
  GET(c) {
    const lang = c.get("lang");
    const later = c.req.query("when") === "later";
    if (!c.get("user")) {
      return c.redirect(`/signin?next=${encodeURIComponent(later ? "/spaces/new?when=later" : "/spaces/new")}`);
    }
    return renderPage(
      c,
      t(lang, "space.create_title"),
      (
        <section class="screen">
          <header class="screen-head">
            <span class="screen-mark" aria-hidden="true">
              <Icon name="broadcast" size={28} />
            </span>
            <h1>{t(lang, "space.create_title")}</h1>
          </header>
          <Island name="CreateSpace" props={{ lang, later }} />
        </section>
      ),
    );
  },
};
