// /api/spaces/<id>: the host edits a scheduled Space.
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { SpaceService } from "../../../lib/server/spaces/service.ts";
import type { SpaceEdited } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async PATCH(c) {
    const space = await new SpaceService(c.get("deps")).edit(
      c.req.param("id") ?? "",
      requireUser(c),
      await c.req.json().catch(() => null),
    );
    return c.json({ ok: true, id: space.id } satisfies SpaceEdited);
  },
};
