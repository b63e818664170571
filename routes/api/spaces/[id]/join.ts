// /api/spaces/<id>/join: tokens for the Space room and the SFU, for this person (or this anonymous
// listener).
import { HttpError } from "../../../../lib/server/http/errors.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { joinTokens } from "../../../../lib/server/spaces/join.ts";
import { SpaceService } from "../../../../lib/server/spaces/service.ts";

export const handler: Handlers = {
  async POST(c) {
    const space = await new SpaceService(c.get("deps")).spaces.get(c.req.param("id") ?? "");
    if (!space) throw new HttpError(404, "err.not_found");
    return c.json(await joinTokens(c, space));
  },
};
