// /api/spaces: start a Space now or schedule one.
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { SpaceService } from "../../../lib/server/spaces/service.ts";
import type { SpaceCreated } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const space = await new SpaceService(c.get("deps")).create(requireUser(c), await c.req.json().catch(() => null));
    return c.json({ ok: true, id: space.id, url: `/s/${space.id}`, status: space.status } satisfies SpaceCreated, 201);
  },
};
