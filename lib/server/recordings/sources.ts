// What a replay is made from, as the store holds it: the tracks the SFU's recorder wrote (with
// their index), the speaking lines it kept, and the timeline the web stores beside the replay.
import type { TrackInput } from "./mix.ts";
import { checkKey, type RecordingStore } from "./store.ts";
import { checkId } from "./errors.ts";
import { Timeline } from "../../protocol/recording_timeline.ts";
import {
  MixableSegment,
  parseRecordingIndex,
  RECORDING_FILES,
  TRACK_FILE,
  tracksFolder,
} from "../../protocol/recording_files.ts";
import type { RoomTimeline } from "../../protocol/space_http.ts";
import { buildTimeline, parseSpeaking } from "./timeline.ts";

/** Where the SFU's recorder writes a Space's tracks, as a store prefix. */
export function tracksPrefix(spaceId: string): string {
  return `${tracksFolder(checkId(spaceId))!.join("/")}/`;
}

export function timelineKey(spaceId: string): string {
  return checkKey(`spaces/${checkId(spaceId)}/timeline.json`);
}

/** The tracks written so far, each with its offset from `startedAt` (the recording's zero). */
export async function readTracks(store: RecordingStore, spaceId: string, startedAt: number): Promise<TrackInput[]> {
  const prefix = tracksPrefix(spaceId);
  let segments: MixableSegment[] = [];
  try {
    segments = parseRecordingIndex(
      await Deno.readTextFile(store.localPath(`${prefix}${RECORDING_FILES.index}`)),
      MixableSegment,
    );
  } catch { /* nothing was recorded */ }
  const out: TrackInput[] = [];
  for (const s of segments) {
    if (s.firstPacketAt === null || !TRACK_FILE.test(s.file)) continue;
    const key = `${prefix}${s.file}`;
    const st = await store.stat(key);
    if (!st || st.size === 0) continue;
    out.push({ path: store.localPath(key), offsetMs: s.firstPacketAt - startedAt });
  }
  return out;
}

/** The stored timeline of a replay, or null when there is none (or it cannot be read). */
export async function readTimeline(store: RecordingStore, spaceId: string): Promise<Timeline | null> {
  try {
    return Timeline.parse(JSON.parse(await Deno.readTextFile(store.localPath(timelineKey(spaceId)))));
  } catch {
    return null;
  }
}

/** Joins the room's record with the SFU's speaking lines and stores it beside the replay. */
export async function writeTimeline(
  store: RecordingStore,
  spaceId: string,
  span: { startedAt: number; endedAt: number },
  room: RoomTimeline | null,
): Promise<void> {
  const lines = async (file: string) => {
    try {
      return parseSpeaking(await Deno.readTextFile(store.localPath(`${tracksPrefix(spaceId)}${file}`)));
    } catch {
      return []; // nobody was heard, or the SFU wrote nothing
    }
  };
  const timeline = buildTimeline(
    span.startedAt,
    span.endedAt,
    room,
    await lines(RECORDING_FILES.speaking),
    await lines(RECORDING_FILES.air),
  );
  await store.write(timelineKey(spaceId), new TextEncoder().encode(JSON.stringify(timeline)));
}
