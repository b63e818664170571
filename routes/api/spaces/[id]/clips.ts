// /api/spaces/<id>/clips: a signed-in person cuts a 30 s clip: the last 30 s of a live recorded
// Space, or from {fromMs} of its replay. 401 without an account; 403 for a person the room
// removed or banned (also after the end) or the host blocked; 429 with Retry-After past the limits
// (lib/server/recordings/clips.ts).
import { z } from "zod";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { askingSub, isPutOut, withRecordings } from "../../../../lib/server/recordings/http.ts";
import { RecordingError, RecordingService } from "../../../../lib/server/recordings/service.ts";
import type { ClipMade } from "../../../../lib/protocol/api.ts";

const Body = z.object({ fromMs: z.number().int().min(0).optional() }).strict();

export const handler: Handlers = {
  POST: (c) =>
    withRecordings(c, async (svc) => {
      const id = RecordingService.id(c.req.param("id") ?? "");
      const body = Body.safeParse(await c.req.json().catch(() => ({})));
      if (!body.success) {
        return c.json({
          error: { code: "err.bad_request", message: "Send {fromMs}: where in the replay the clip starts, in ms." },
        }, 400);
      }
      if (!c.get("user")) throw new RecordingError(401, "rec.err.clip_signin", "Sign in to make clips.");
      const sub = askingSub(c);
      const clip = await svc.clips.cut(id, { sub, removed: await isPutOut(c, id, sub) }, body.data.fromMs);
      return c.json(
        {
          id: clip.id,
          url: `/api/clips/${clip.id}/clip.ogg`,
          durationMs: clip.durationMs,
          expiresAt: clip.expiresAt,
        } satisfies ClipMade,
        201,
      );
    }),
};
