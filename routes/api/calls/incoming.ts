// /api/calls/incoming: the call ringing for me now, if any: a tab that connects mid-ring rings too.
import { peerInfo } from "../../../lib/server/calls/inbox.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { CallStore } from "../../../lib/server/kv/calls.ts";
import type { IncomingCall } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async GET(c) {
    const me = requireUser(c);
    const deps = c.get("deps");
    const store = new CallStore(deps.kv);
    const id = await store.activeCallOf(me.id);
    const rec = id ? await store.get(id) : null;
    const caller = rec && rec.calleeId === me.id && rec.status === "ringing"
      ? await deps.users.get(rec.callerId)
      : null;
    return c.json(
      {
        call: rec && caller ? { callId: rec.id, from: peerInfo(caller), video: rec.video } : null,
      } satisfies IncomingCall,
    );
  },
};
