// /api/calls/<id>/join: a token for the call's party room, for one of its two people.
import { joinToken } from "../../../../lib/server/calls/call_service.ts";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import { callIdParam } from "../../../../lib/server/http/params.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { RoomToken } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    return c.json({ token: await joinToken(c.get("deps"), me, callIdParam(c)) } satisfies RoomToken);
  },
};
