// /api/spaces/<id>/reminder: remind me when a scheduled Space starts (PUT), or not (DELETE).
import { HttpError } from "../../../../lib/server/http/errors.ts";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import type { Handlers, RouteHandler } from "../../../../lib/server/http/route.ts";
import { SpaceService } from "../../../../lib/server/spaces/service.ts";
import type { ReminderChanged } from "../../../../lib/protocol/api.ts";

const setReminder = (on: boolean): RouteHandler => async (c) => {
  const user = requireUser(c);
  const { spaces } = new SpaceService(c.get("deps"));
  const space = await spaces.get(c.req.param("id") ?? "");
  if (!space) throw new HttpError(404, "err.not_found");
  if (space.status !== "scheduled") throw new HttpError(409, "space.err.not_scheduled");
  await spaces.setReminder(space.id, user.id, on);
  return c.json({ ok: true, reminder: on } satisfies ReminderChanged);
};

export const handler: Handlers = { PUT: setReminder(true), DELETE: setReminder(false) };
