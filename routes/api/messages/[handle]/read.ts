// /api/messages/<handle>/read: marks the thread with one person read.
import { markRead } from "../../../../lib/server/calls/dm_service.ts";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import { personByHandle } from "../../../../lib/server/http/params.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { Done } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    const peer = await personByHandle(c, c.req.param("handle") ?? "");
    await markRead(c.get("deps"), me, peer.id);
    return c.json({ ok: true } satisfies Done);
  },
};
