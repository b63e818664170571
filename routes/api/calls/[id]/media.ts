// /api/calls/<id>/media: a token and the address of the SFU that carries the call's media.
import { mediaToken } from "../../../../lib/calls/call_service.ts";
import { sfuWsUrl } from "../../../../lib/calls/inbox.ts";
import { requireUser } from "../../../../lib/http/guards.ts";
import { callIdParam } from "../../../../lib/http/params.ts";
import type { Handlers } from "../../../../lib/http/route.ts";

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    const deps = c.get("deps");
    const token = await mediaToken(deps, me, callIdParam(c));
    return c.json({ token, url: sfuWsUrl(deps.config) });
  },
};
