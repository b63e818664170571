// /api/spaces/<id>: the Space's status and where its replay stands (GET, public, as the Space's
// page is), which an ended screen and the dock ask until the replay is made; the host edits a
// scheduled Space (PATCH).
import { requireUser } from "../../../lib/server/http/guards.ts";
import { spaceParam } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { recordingService } from "../../../lib/server/recordings/deps.ts";
import { replayState } from "../../../lib/server/spaces/public_view.ts";
import { SpaceService } from "../../../lib/server/spaces/service.ts";
import type { SpaceEdited } from "../../../lib/protocol/api.ts";
import type { SpacePublicState } from "../../../lib/protocol/space_public.ts";

export const handler: Handlers = {
  async GET(c) {
    const space = await spaceParam(c);
    const rec = space.status === "ended" ? await recordingService(c.get("deps")).get(space.id) : null;
    c.header("cache-control", "no-store");
    return c.json({ status: space.status, replay: replayState(rec) } satisfies SpacePublicState);
  },
  async PATCH(c) {
    const space = await new SpaceService(c.get("deps")).edit(
      c.req.param("id") ?? "",
      requireUser(c),
      await c.req.json().catch(() => null),
    );
    return c.json({ ok: true, id: space.id } satisfies SpaceEdited);
  },
};
