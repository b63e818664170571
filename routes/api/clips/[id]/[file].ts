// /api/clips/<clip id>/clip.ogg | clip.m4a: a clip's audio, with Range; 410 once it expired or
// went with its deleted recording.
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { goneAnswer, withRecordings } from "../../../../lib/server/recordings/http.ts";
import { serveStored } from "../../../../lib/server/recordings/range.ts";
import { RecordingError, RecordingService } from "../../../../lib/server/recordings/service.ts";

const TYPES: Record<string, { key: "opus" | "aac"; type: string }> = {
  "clip.ogg": { key: "opus", type: "audio/ogg; codecs=opus" },
  "clip.m4a": { key: "aac", type: "audio/mp4" },
};

export const handler: Handlers = {
  GET: (c) =>
    withRecordings(c, async (svc) => {
      const id = RecordingService.id(c.req.param("id") ?? "", "clip id");
      const file = TYPES[c.req.param("file") ?? ""];
      if (!file) throw new RecordingError(404, "rec.err.bad_id", "no such file");
      const clip = await svc.clips.get(id);
      if (!clip) throw new RecordingError(404, "rec.err.bad_id", "no such clip");
      if (clip.gone) return goneAnswer(c, clip.gone, true);
      return await serveStored(c.req.raw, svc.store, svc.clips.keys(id)[file.key], file.type, {
        "cache-control": "public, max-age=300",
      });
    }),
};
