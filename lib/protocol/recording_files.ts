// The files a recording is made of, as the origin SFU writes them (sfu/recorder.ts,
// sfu/recording.ts) and the web reads them when the Space ends (lib/server/recordings/):
//   $SPAZIO_RECORDINGS_DIR/spaces/<spaceId>/rec/
//     index.json       { segments: RecordingSegment[] }, replaced atomically (written aside, renamed)
//     <name>.ogg       one Ogg/Opus segment of one microphone, as the index names it
//     speaking.jsonl   one ActivityLine per change of who the audio-level observer hears speaking
//     air.jsonl        one ActivityLine per change of whose tapped microphone is on air
// Both sides take the names, the layout and the schemas from here, so neither can drift.
// Imports nothing runtime-specific: Deno, workerd and Node all load it.
import { z } from "zod";
import { RECORDING_ID, SpeakingLine } from "./recording_timeline.ts";

/** The environment variable naming the recordings' root folder, and its default. */
export const RECORDINGS_DIR_ENV = "SPAZIO_RECORDINGS_DIR";
export const DEFAULT_RECORDINGS_DIR = "./data/recordings";

/** The file names inside a Space's tracks folder. */
export const RECORDING_FILES = {
  index: "index.json",
  /** Where the index is written before it is renamed over `index.json`. */
  indexPart: "index.json.part",
  speaking: "speaking.jsonl",
  air: "air.jsonl",
} as const;

/** The only names a track file takes (the web refuses any other before it opens a file). */
export const TRACK_FILE = /^[A-Za-z0-9_-]+\.ogg$/;

/**
 * A Space's tracks folder as path segments under the root (`spaces`, `<id>`, `rec`); undefined
 * for an id the web never makes, which never names a folder.
 */
export function tracksFolder(spaceId: string): [string, string, string] | undefined {
  return RECORDING_ID.test(spaceId) ? ["spaces", spaceId, "rec"] : undefined;
}

/** One file of one microphone: the index entry the mixer places by `firstPacketAt`. */
export const RecordingSegment = z.object({
  file: z.string().regex(TRACK_FILE),
  sub: z.string().max(80),
  producerId: z.string().max(64),
  /** Wall-clock ms of the first packet in the file (null while none came). */
  firstPacketAt: z.number().nullable(),
  startedAt: z.number(),
  /** Null while the segment is being written (or when the SFU died first). */
  endedAt: z.number().nullable(),
});
export type RecordingSegment = z.infer<typeof RecordingSegment>;

/** What the mixer needs of a segment (the rest is the SFU's own bookkeeping). */
export const MixableSegment = RecordingSegment.partial({
  producerId: true,
  startedAt: true,
  endedAt: true,
});
export type MixableSegment = z.infer<typeof MixableSegment>;

/** `index.json`. */
export const RecordingIndex = z.object({ segments: z.array(RecordingSegment) });
export type RecordingIndex = z.infer<typeof RecordingIndex>;

/**
 * The segments of an `index.json` text that pass `schema` (the SFU re-reads whole segments, the
 * web what it mixes by), in order; none when it is not JSON or has no segment list.
 */
export function parseRecordingIndex<S extends z.ZodTypeAny = typeof RecordingSegment>(
  text: string,
  schema: S = RecordingSegment as unknown as S,
): z.infer<S>[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const list = z.object({ segments: z.array(z.unknown()) }).safeParse(json);
  if (!list.success) return [];
  const out: z.infer<S>[] = [];
  for (const s of list.data.segments) {
    const seg = schema.safeParse(s);
    if (seg.success) out.push(seg.data);
  }
  return out;
}

/** One line of `speaking.jsonl` or `air.jsonl`: from `at` (wall-clock ms) on, these people. */
export const ActivityLine = SpeakingLine;
export type ActivityLine = SpeakingLine;

/** A line as written: JSON and a newline. */
export const activityLineText = (line: ActivityLine): string => JSON.stringify(ActivityLine.parse(line)) + "\n";

/** The lines of a `.jsonl` text, in time order; a torn last line (a crash mid-write) is skipped. */
export function parseActivityLines(text: string): ActivityLine[] {
  const out: ActivityLine[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      continue;
    }
    const line = ActivityLine.safeParse(json);
    if (line.success) out.push(line.data);
  }
  return out.sort((a, b) => a.at - b.at);
}
