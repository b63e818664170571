// /api/messages: my DM threads, one summary each.
import { threadSummaries } from "../../../lib/server/calls/dm_service.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import type { Threads } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async GET(c) {
    const me = requireUser(c);
    return c.json({ threads: await threadSummaries(c.get("deps"), me.id) } satisfies Threads);
  },
};
