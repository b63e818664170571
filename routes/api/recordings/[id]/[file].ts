// /api/recordings/<space id>/replay.ogg | replay.m4a: a Space's replay, public like the Space,
// with Range so a player seeks without the whole file; 410 once deleted or expired.
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { goneAnswer, withRecordings } from "../../../../lib/server/recordings/http.ts";
import { serveStored } from "../../../../lib/server/recordings/range.ts";
import { RecordingError, RecordingService } from "../../../../lib/server/recordings/service.ts";

const TYPES: Record<string, { key: "opus" | "aac"; type: string }> = {
  "replay.ogg": { key: "opus", type: "audio/ogg; codecs=opus" },
  "replay.m4a": { key: "aac", type: "audio/mp4" },
};

export const handler: Handlers = {
  GET: (c) =>
    withRecordings(c, async (svc) => {
      const id = RecordingService.id(c.req.param("id") ?? "");
      const file = TYPES[c.req.param("file") ?? ""];
      if (!file) throw new RecordingError(404, "rec.err.not_recorded", "no such file");
      const rec = await svc.get(id);
      if (!rec) throw new RecordingError(404, "rec.err.not_recorded", "not recorded");
      if (rec.status === "deleted") return goneAnswer(c, rec.gone);
      if (rec.status !== "ready") throw new RecordingError(409, "rec.err.recording_not_ready", "not ready");
      return await serveStored(c.req.raw, svc.store, svc.replayKeys(id)[file.key], file.type, {
        "cache-control": "public, max-age=60",
      });
    }),
};
