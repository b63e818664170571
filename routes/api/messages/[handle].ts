// /api/messages/<handle>: the thread with one person, a page at a time (GET), or a new DM (POST).
import { z } from "zod";
import { sendDm } from "../../../lib/server/calls/dm_service.ts";
import { HttpError } from "../../../lib/server/http/errors.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import { personByHandle } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { DmStore } from "../../../lib/server/kv/dms.ts";
import type { DmSent, ThreadPage } from "../../../lib/protocol/api.ts";

const Page = z.object({
  before: z.string().regex(/^[0-9a-z]{10}[A-Za-z0-9_-]{8}$/).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const handler: Handlers = {
  async GET(c) {
    const me = requireUser(c);
    const peer = await personByHandle(c, c.req.param("handle") ?? "");
    const q = Page.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, "err.bad_request");
    return c.json(
      { entries: await new DmStore(c.get("deps").kv).entries(me.id, peer.id, q.data) } satisfies ThreadPage,
    );
  },
  async POST(c) {
    const me = requireUser(c);
    const peer = await personByHandle(c, c.req.param("handle") ?? "");
    const body = await c.req.json().catch(() => null) as { text?: unknown } | null;
    const entry = await sendDm(c.get("deps"), me, peer, body?.text);
    return c.json({ entry } satisfies DmSent, 201);
  },
};
