// /calls/<id>: the call screen, for the caller and the callee (`?answer=1` answers at once).
import { Island } from "../../components/Island.tsx";
import { callOf } from "../../lib/server/calls/call_service.ts";
import { partyWsUrl, peerInfo } from "../../lib/server/calls/inbox.ts";
import { notFound } from "../../lib/server/http/errors.ts";
import { callIdParam } from "../../lib/server/http/params.ts";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { renderPage } from "../../lib/server/render.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const me = c.get("user");
    if (!me) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`);
    const deps = c.get("deps");
    const rec = await callOf(deps, me, callIdParam(c));
    const peer = await deps.users.get(rec.callerId === me.id ? rec.calleeId : rec.callerId);
    if (!peer) throw notFound();
    return renderPage(
      c,
      t(lang, "call.with", { name: peer.displayName }),
      (
        <Island
          name="CallScreen"
          props={{
            lang,
            callId: rec.id,
            me: peerInfo(me),
            peer: peerInfo(peer),
            role: rec.callerId === me.id ? "caller" : "callee",
            video: rec.video,
            partyUrl: partyWsUrl(deps.config),
            answer: c.req.query("answer") === "1",
          }}
        />
      ),
    );
  },
};
