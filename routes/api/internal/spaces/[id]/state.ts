// /api/internal/spaces/<id>/state: the Space room (signed) keeps the directory's copy current.
import { HttpError } from "../../../../../lib/http/errors.ts";
import { readSignedBody } from "../../../../../lib/http/guards.ts";
import type { Handlers } from "../../../../../lib/http/route.ts";
import { SpaceStatePush } from "../../../../../lib/protocol/space_http.ts";
import { recordingService } from "../../../../../lib/recordings/deps.ts";
import { SpaceService } from "../../../../../lib/spaces/service.ts";

export const handler: Handlers = {
  async POST(c) {
    const push = SpaceStatePush.safeParse(await readSignedBody(c));
    if (!push.success) throw new HttpError(400, "err.bad_request");
    const { status, listenerCount, stage } = push.data;
    const updated = await new SpaceService(c.get("deps")).spaces.update(c.req.param("id") ?? "", (s) => {
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
    // A recorded Space that ended gets its replay mixed, after the answer (mixing takes seconds).
    if (status === "ended") {
      const recordings = recordingService(c.get("deps"));
      const rec = await recordings.get(updated.id);
      if (rec?.status === "recording") {
        recordings.finish(updated.id).catch((err) => console.error(`web: the replay of ${updated.id} was not made:`, err));
      }
    }
    return c.json({ ok: true });
  },
};
