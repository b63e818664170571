// /api/spaces/<id>/cancel: the host cancels a scheduled Space.
import { requireUser } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { SpaceService } from "../../../../lib/server/spaces/service.ts";
import type { Done } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    await new SpaceService(c.get("deps")).cancel(c.req.param("id") ?? "", requireUser(c));
    return c.json({ ok: true } satisfies Done);
  },
};
