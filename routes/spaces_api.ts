// The Spaces JSON API: create, edit, start, cancel, reminders, join tokens; and the internal
// endpoints the Space room calls (signed) to keep the directory current and hand over reports.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../lib/http/env.ts";
import { HttpError } from "../lib/http/errors.ts";
import { readSignedBody, requireUser } from "../lib/http/guards.ts";
import { SpaceReport, SpaceStatePush } from "../lib/protocol/space_http.ts";
import { joinTokens } from "../lib/spaces/join.ts";
import { SpaceService } from "../lib/spaces/service.ts";

const api = new Hono<AppEnv>();

const service = (c: Context<AppEnv>) => new SpaceService(c.get("deps"));
const body = async (c: Context<AppEnv>) => await c.req.json().catch(() => null);

api.post("/api/spaces", async (c) => {
  const space = await service(c).create(requireUser(c), await body(c));
  return c.json({ ok: true, id: space.id, url: `/s/${space.id}`, status: space.status }, 201);
});

api.patch("/api/spaces/:id", async (c) => {
  const space = await service(c).edit(c.req.param("id"), requireUser(c), await body(c));
  return c.json({ ok: true, id: space.id });
});

api.post("/api/spaces/:id/start", async (c) => {
  const space = await service(c).start(c.req.param("id"), requireUser(c));
  return c.json({ ok: true, id: space.id, url: `/s/${space.id}` });
});

api.post("/api/spaces/:id/cancel", async (c) => {
  await service(c).cancel(c.req.param("id"), requireUser(c));
  return c.json({ ok: true });
});

for (const [method, on] of [["put", true], ["delete", false]] as const) {
  api[method]("/api/spaces/:id/reminder", async (c) => {
    const user = requireUser(c);
    const { spaces } = service(c);
    const space = await spaces.get(c.req.param("id"));
    if (!space) throw new HttpError(404, "err.not_found");
    if (space.status !== "scheduled") throw new HttpError(409, "space.err.not_scheduled");
    await spaces.setReminder(space.id, user.id, on);
    return c.json({ ok: true, reminder: on });
  });
}

/** Tokens for the Space room and the SFU, for this person (or this anonymous listener). */
api.post("/api/spaces/:id/join", async (c) => {
  const space = await service(c).spaces.get(c.req.param("id"));
  if (!space) throw new HttpError(404, "err.not_found");
  return c.json(await joinTokens(c, space));
});

api.post("/api/internal/spaces/:id/state", async (c) => {
  const push = SpaceStatePush.safeParse(await readSignedBody(c));
  if (!push.success) throw new HttpError(400, "err.bad_request");
  const { status, listenerCount, stage } = push.data;
  const updated = await service(c).spaces.update(c.req.param("id"), (s) => {
    if (s.status === "ended") return null; // an ended Space stays ended
    if (status === "scheduled") return { ...s, listenerCount, stage };
    return {
      ...s,
      status,
      listenerCount,
      stage,
      startedAt: s.startedAt ?? Date.now(),
      endedAt: status === "ended" ? Date.now() : s.endedAt,
    };
  });
  if (!updated) throw new HttpError(404, "err.not_found");
  return c.json({ ok: true });
});

api.post("/api/internal/reports", async (c) => {
  const report = SpaceReport.safeParse(await readSignedBody(c));
  if (!report.success) throw new HttpError(400, "err.bad_request");
  await service(c).spaces.saveReport(report.data);
  return c.json({ ok: true });
});

export default api;
