// /api/calls/<id>/media: a token and the address of the SFU that carries the call's media, and the
// TURN relays with credentials minted for this person.
import { mediaToken } from "../../../../lib/server/calls/call_service.ts";
import { sfuWsUrl } from "../../../../lib/server/calls/inbox.ts";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import { callIdParam } from "../../../../lib/server/http/params.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { iceFor } from "../../../../lib/server/turn.ts";
import type { CallMediaAccess } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    const deps = c.get("deps");
    const token = await mediaToken(deps, me, callIdParam(c));
    const ice = await iceFor(deps.config.turn, `u:${me.id}`);
    return c.json({ token, url: sfuWsUrl(deps.config), ice } satisfies CallMediaAccess);
  },
};
