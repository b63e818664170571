// /spaces/new: start a Space now or schedule one.
import { Island } from "../../components/Island.tsx";
import type { Handlers } from "../../lib/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { renderPage } from "../../lib/render.tsx";

export const handler: Handlers = {
  GET(c) {
    const lang = c.get("lang");
    if (!c.get("user")) return c.redirect("/signin?next=/spaces/new");
    return renderPage(c, t(lang, "space.create_title"), (
      <section class="card narrow">
        <h1>{t(lang, "space.create_title")}</h1>
        <Island name="CreateSpace" props={{ lang }} />
      </section>
    ));
  },
};
