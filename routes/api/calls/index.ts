// /api/calls: place a call (POST), or read my call history (GET).
import { z } from "zod";
import { callHistory, placeCall } from "../../../lib/server/calls/call_service.ts";
import { HttpError } from "../../../lib/server/http/errors.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import { personByHandle } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import type { CallPlaced } from "../../../lib/protocol/api.ts";

const PlaceCall = z.object({ to: z.string().min(1).max(20), video: z.boolean().default(false) }).strict();

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    const body = PlaceCall.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new HttpError(400, "err.bad_request");
    const callee = await personByHandle(c, body.data.to);
    const placed: CallPlaced = await placeCall(c.get("deps"), me, callee, body.data.video);
    return c.json(placed, 201);
  },
  async GET(c) {
    const me = requireUser(c);
    return c.json({ calls: await callHistory(c.get("deps"), me.id) });
  },
};
