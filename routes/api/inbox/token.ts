// /api/inbox/token: a token for my own inbox room (DMs and ringing reach me there).
import { inboxToken } from "../../../lib/server/calls/inbox.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import type { RoomToken } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const me = requireUser(c);
    return c.json({ token: await inboxToken(c.get("deps").config, me) } satisfies RoomToken);
  },
};
