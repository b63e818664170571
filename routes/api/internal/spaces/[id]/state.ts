// /api/internal/spaces/<id>/state: the Space room (signed) keeps the directory's copy current,
// opens the Space's recording when the host turns it on, and has the replay made when it ends.
import { HttpError } from "../../../../../lib/server/http/errors.ts";
import { readSignedBody } from "../../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../../lib/server/http/route.ts";
import type { AnswerInputOf } from "../../../../../lib/protocol/contract.ts";
import { spaceStatePush } from "../../../../../lib/protocol/internal_api.ts";
import { recordingService, roomTimeline } from "../../../../../lib/server/recordings/deps.ts";
import { SpaceService } from "../../../../../lib/server/spaces/service.ts";

export const handler: Handlers = {
  async POST(c) {
    const { status, listenerCount, stage, recording, recordingStartedAt } = await readSignedBody(c, spaceStatePush);
    const deps = c.get("deps");
    const updated = await new SpaceService(deps).spaces.update(c.req.param("id") ?? "", (s) => {
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
    const recordings = recordingService(deps);
    // Recorded (now, or for a moment before an end that came within the same push): opened from
    // the room's start time, so that the tracks and the timeline share one zero.
    if (recordingStartedAt !== undefined && (recording || status === "ended") && status !== "scheduled") {
      await recordings.start(updated.id, `u:${updated.hostId}`, { startedAt: recordingStartedAt }).catch((err) => {
        if (status !== "ended") console.error(`web: the recording of ${updated.id} was not opened:`, err);
      });
    }
    // A recorded Space that ended gets its replay mixed, after the answer (mixing takes seconds).
    if (status === "ended") {
      const rec = await recordings.get(updated.id);
      if (rec?.status === "recording") {
        const id = updated.id;
        roomTimeline(deps, id)
          .then((room) => recordings.finish(id, { room }))
          .catch((err) => console.error(`web: the replay of ${id} was not made:`, err));
      }
    }
    return c.json({ ok: true } satisfies AnswerInputOf<typeof spaceStatePush>);
  },
};
