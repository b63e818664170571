// A recorded Space made without a live stack, for replay tests and the replay bench: the web's
// recording service over a temporary folder, and an ended Space whose one track is laid down as
// the SFU's recorder writes it (an Ogg file and its index entry), then finished (mixed).
import { type SpaceRecord, SpaceStore } from "../../lib/server/kv/spaces.ts";
import { FFMPEG } from "../../lib/server/recordings/mix.ts";
import { type RecordingRecord, RecordingService } from "../../lib/server/recordings/service.ts";
import { LocalRecordingStore } from "../../lib/server/recordings/store.ts";
import type { Page } from "playwright-core";
import type { startWeb } from "./web.ts";

type Web = Awaited<ReturnType<typeof startWeb>>;

export interface Recordings {
  root: string;
  store: LocalRecordingStore;
  svc: RecordingService;
}

/** A recording service whose files live in a new temporary folder, used by `web` from now on. */
export async function recordingsFor(web: Web, prefix: string): Promise<Recordings> {
  const root = await Deno.makeTempDir({ prefix });
  const store = new LocalRecordingStore(root);
  const svc = new RecordingService(web.deps.kv, store);
  web.deps.recordings = svc;
  return { root, store, svc };
}

export interface SeededReplay {
  space: SpaceRecord;
  rec: RecordingRecord;
  /** The record after finish(): "ready" once the replay is mixed. */
  finished: RecordingRecord;
}

/**
 * An ended Space of `hostId`, recorded: one track of the host made by ffmpeg from a lavfi
 * `source` (Opus, mono, at `bitrate`), whose first packet came `firstPacketAfterMs` after the
 * recording began; then the Space's end (the replay is mixed).
 */
export async function seedReplay(web: Web, r: Recordings, o: {
  hostId: string;
  title: string;
  topics?: string[];
  startedAgoMs: number;
  endedAgoMs: number;
  source: string;
  bitrate: string;
  firstPacketAfterMs?: number;
}): Promise<SeededReplay> {
  const space = await new SpaceStore(web.deps.kv).create({
    title: o.title,
    topics: o.topics ?? [],
    lang: "en",
    hostId: o.hostId,
    status: "ended",
    startedAt: Date.now() - o.startedAgoMs,
    endedAt: Date.now() - o.endedAgoMs,
    cohostIds: [],
    speakerIds: [],
    allowVideo: false,
  });
  const sub = `u:${o.hostId}`;
  const rec = await r.svc.start(space.id, sub);
  const dir = r.store.localPath(`${RecordingService.tracksPrefix(space.id)}index.json`).replace(/index\.json$/, "");
  await Deno.mkdir(dir, { recursive: true });
  const made = await new Deno.Command(FFMPEG, {
    args: [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      o.source,
      "-c:a",
      "libopus",
      "-ac",
      "1",
      "-b:a",
      o.bitrate,
      `${dir}/p-1.ogg`,
    ],
  }).output();
  if (made.code !== 0) {
    throw new Error(`ffmpeg could not make the track: ${new TextDecoder().decode(made.stderr).slice(-300)}`);
  }
  const segments = [{ file: "p-1.ogg", sub, firstPacketAt: rec.startedAt + (o.firstPacketAfterMs ?? 0) }];
  await Deno.writeTextFile(`${dir}/index.json`, JSON.stringify({ segments }));
  return { space, rec, finished: await r.svc.finish(space.id) };
}

// The replay page as a test reads it: the audio's position, a seek that waits for it, who the
// stage lights, and a comment by id.
export const audioTime = (p: Page) => p.evaluate(() => document.querySelector("audio")!.currentTime);
export const seek = (p: Page, s: number) =>
  p.evaluate((s) => {
    const a = document.querySelector("audio")!;
    a.currentTime = s;
    return new Promise((ok) => a.addEventListener("seeked", ok, { once: true }));
  }, s);
export const speakingOnReplay = (p: Page, sub: string) =>
  p.getByTestId("replay-stage").locator(`[data-sub="${sub}"]`).getAttribute("data-speaking");
export const replayComment = (p: Page, id: string) =>
  p.getByTestId("replay-comments").locator(`[data-comment-id="${id}"]`);
