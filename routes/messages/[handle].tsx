// /messages/<handle> (or /messages/@<handle>): the DM thread with one person; opening it reads it.
import { Island } from "../../components/Island.tsx";
import { markRead } from "../../lib/server/calls/dm_service.ts";
import { partyWsUrl, peerInfo } from "../../lib/server/calls/inbox.ts";
import { personByHandle } from "../../lib/server/http/params.ts";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { DmStore } from "../../lib/server/kv/dms.ts";
import { renderPage } from "../../lib/server/render.tsx";

export const params = { handle: "@?[A-Za-z0-9_]{1,20}" };

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const me = c.get("user");
    if (!me) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`);
    const deps = c.get("deps");
    const peer = await personByHandle(c, c.req.param("handle") ?? "");
    if (peer.id === me.id) return c.redirect("/messages");
    const entries = await new DmStore(deps.kv).entries(me.id, peer.id, { limit: 50 });
    await markRead(deps, me, peer.id);
    // The tab's badge was counted before this thread was read: count again without it.
    c.set("unread", await new DmStore(deps.kv).unreadTotal(me.id));
    const blockedByMe = await deps.social.blocks(me.id, peer.id);
    return renderPage(
      c,
      t(lang, "dm.thread_title", { name: peer.displayName }),
      (
        <Island
          name="DmThread"
          props={{
            lang,
            me: peerInfo(me),
            peer: peerInfo(peer),
            entries,
            blockedByMe,
            partyUrl: partyWsUrl(deps.config),
          }}
        />
      ),
    );
  },
};
