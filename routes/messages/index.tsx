// /messages: my DM threads, live (the inbox island listens to my inbox room).
import { Island } from "../../components/Island.tsx";
import { threadSummaries } from "../../lib/server/calls/dm_service.ts";
import { partyWsUrl } from "../../lib/server/calls/inbox.ts";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { renderPage } from "../../lib/server/render.tsx";
import { Icon } from "../../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const me = c.get("user");
    if (!me) return c.redirect("/signin?next=/messages");
    const threads = await threadSummaries(c.get("deps"), me.id);
    return renderPage(
      c,
      t(lang, "dm.title"),
      (
        <>
          <div class="dm-page-head">
            <h1>{t(lang, "dm.title")}</h1>
            <a class="button secondary small" href="/calls">
              <Icon name="phone" size={18} />
              {t(lang, "call.history_title")}
            </a>
          </div>
          <Island name="DmInbox" props={{ lang, meId: me.id, partyUrl: partyWsUrl(c.get("deps").config), threads }} />
        </>
      ),
    );
  },
};
