// /api/spaces/<id>/recording: what there is of a Space's recording (GET, public, with how many
// clips it has), the host's trim and clips switch (PATCH {trimStartMs?, clipsAllowed?}), and the
// host's delete (DELETE), which takes the clips with it and says how many went.
import { z } from "zod";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { goneAnswer, withRecordings } from "../../../../lib/server/recordings/http.ts";
import { RecordingError, RecordingService } from "../../../../lib/server/recordings/service.ts";
import type { Done, RecordingPatched } from "../../../../lib/protocol/api.ts";

const Patch = z.object({
  trimStartMs: z.number().int().min(0).max(24 * 3600_000).optional(),
  clipsAllowed: z.boolean().optional(),
}).strict();

export const handler: Handlers = {
  GET: (c) =>
    withRecordings(c, async (svc) => {
      const rec = await svc.get(RecordingService.id(c.req.param("id") ?? ""));
      if (!rec) throw new RecordingError(404, "rec.err.not_recorded", "not recorded");
      if (rec.status === "deleted") return goneAnswer(c, rec.gone);
      const { status, startedAt, endedAt, durationMs, trimStartMs, clipsAllowed, expiresAt } = rec;
      const clips = await svc.clips.countOf(rec.spaceId);
      return c.json({ status, startedAt, endedAt, durationMs, trimStartMs, clipsAllowed, expiresAt, clips });
    }),
  PATCH: (c) =>
    withRecordings(c, async (svc) => {
      const user = requireUser(c);
      const id = RecordingService.id(c.req.param("id") ?? "");
      const body = Patch.safeParse(await c.req.json().catch(() => null));
      if (!body.success) {
        return c.json({
          error: {
            code: "err.bad_request",
            message: "Send {trimStartMs} (ms, a whole number) and/or {clipsAllowed} (true or false).",
          },
        }, 400);
      }
      let rec = await svc.get(id);
      if (body.data.clipsAllowed !== undefined) {
        rec = await svc.setClipsAllowed(id, `u:${user.id}`, body.data.clipsAllowed);
      }
      if (body.data.trimStartMs !== undefined) {
        rec = await svc.trim(id, `u:${user.id}`, body.data.trimStartMs);
      }
      return c.json(
        {
          ok: true,
          trimStartMs: rec?.trimStartMs,
          clipsAllowed: rec?.clipsAllowed,
          durationMs: rec?.durationMs,
        } satisfies RecordingPatched,
      );
    }),
  DELETE: (c) =>
    withRecordings(c, async (svc) => {
      const user = requireUser(c);
      const clipsDeleted = await svc.delete(RecordingService.id(c.req.param("id") ?? ""), `u:${user.id}`);
      return c.json({ ok: true, clipsDeleted } satisfies Done & { clipsDeleted: number });
    }),
};
