// /api/push/subscriptions: this browser's Web Push subscription, added (POST) or removed (DELETE).
import { z } from "zod";
import { FieldError, HttpError } from "../../../lib/server/http/errors.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { endpointAllowed, PushStore, PushSubscriptionInput } from "../../../lib/server/push/subscriptions.ts";
import type { Done } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    const sub = PushSubscriptionInput.safeParse(await c.req.json().catch(() => null));
    if (!sub.success) throw new HttpError(400, "err.bad_request");
    if (!endpointAllowed(sub.data.endpoint)) throw new FieldError("endpoint", "err.bad_request");
    await new PushStore(c.get("deps").kv).add(me.id, sub.data, c.get("lang"));
    return c.json({ ok: true } satisfies Done, 201);
  },
  async DELETE(c) {
    const me = requireUser(c);
    const body = z.object({ endpoint: z.string().max(2048) }).safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new HttpError(400, "err.bad_request");
    await new PushStore(c.get("deps").kv).remove(me.id, body.data.endpoint);
    return c.json({ ok: true } satisfies Done);
  },
};
