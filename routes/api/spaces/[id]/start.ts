// /api/spaces/<id>/start: the host starts a scheduled Space.
import { requireUser } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { SpaceService } from "../../../../lib/server/spaces/service.ts";
import type { SpaceStarted } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const space = await new SpaceService(c.get("deps")).start(c.req.param("id") ?? "", requireUser(c));
    return c.json({ ok: true, id: space.id, url: `/s/${space.id}` } satisfies SpaceStarted);
  },
};
