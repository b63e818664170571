// What happens to a recorded Space after the SFU's recorder wrote its tracks: the replay is mixed
// when the Space ends, the host may trim its start or delete it, it expires after a retention
// period (30 days by default) through a Deno KV queue message with a delay (kept across restarts),
// and signed-in people cut 30-second clips of it (clips.ts), which go when the host deletes it.
// Records live in KV; files in a RecordingStore. A deleted or expired recording leaves a
// tombstone, so its URL says 410.
import { z } from "zod";
import { durationMs, mix, type MixOutput, type TrackInput } from "./mix.ts";
import { checkKey, type RecordingStore } from "./store.ts";
import type { Timeline } from "../../protocol/recording_timeline.ts";
import type { RoomTimeline } from "../../protocol/space_http.ts";
import { readTimeline, readTracks, tracksPrefix, writeTimeline } from "./sources.ts";
import { checkId, RecordingError } from "./errors.ts";
import { ClipService } from "./clips.ts";

export { RecordingError } from "./errors.ts";
export const DEFAULT_RETENTION_MS = 30 * 24 * 3600_000;

export type RecordingStatus = "recording" | "mixing" | "ready" | "failed" | "deleted";

export interface RecordingRecord {
  spaceId: string;
  hostSub: string;
  status: RecordingStatus;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  /** The host's trim: the replay begins this far into the recording. */
  trimStartMs: number;
  clipsAllowed: boolean;
  expiresAt?: number;
  /** Why it is gone: the host deleted it, or it expired. */
  gone?: "deleted" | "expired";
  error?: string;
}

export interface RecordingServiceOptions {
  now?: () => number;
  retentionMs?: number;
  newId?: () => string;
}

/** The KV queue's messages (any web instance may enqueue them): read by schema, never assumed. */
const Expiry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("recording.expire"), spaceId: z.string() }),
  z.object({ type: z.literal("clip.expire"), clipId: z.string() }),
]);
type Expiry = z.infer<typeof Expiry>;

export class RecordingService {
  readonly now: () => number;
  readonly retentionMs: number;
  /** The clips of recorded Spaces (clips.ts). */
  readonly clips: ClipService;

  constructor(readonly kv: Deno.Kv, readonly store: RecordingStore, opts: RecordingServiceOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.clips = new ClipService(this, opts.newId ?? (() => crypto.randomUUID().replaceAll("-", "").slice(0, 16)));
  }

  static id(id: string, what = "id"): string {
    return checkId(id, what);
  }

  /** Where the SFU's recorder writes a Space's tracks, as a store prefix. */
  static tracksPrefix(spaceId: string): string {
    return tracksPrefix(spaceId);
  }

  replayKeys(spaceId: string): MixOutput {
    const id = RecordingService.id(spaceId);
    return { opus: checkKey(`spaces/${id}/replay.ogg`), aac: checkKey(`spaces/${id}/replay.m4a`) };
  }

  async get(spaceId: string): Promise<RecordingRecord | null> {
    return (await this.kv.get<RecordingRecord>(["recordings", RecordingService.id(spaceId)])).value;
  }

  /**
   * The recording began (the host turned it on). Turning it on again continues the same recording.
   * `startedAt`: when the room says it began (its clock), the zero of the tracks and the timeline.
   */
  async start(
    spaceId: string,
    hostSub: string,
    opts: { clipsAllowed?: boolean; startedAt?: number } = {},
  ): Promise<RecordingRecord> {
    const key = ["recordings", RecordingService.id(spaceId)];
    const old = (await this.kv.get<RecordingRecord>(key)).value;
    if (old && old.status !== "recording") {
      throw new RecordingError(409, "rec.err.recording_over", "This Space's recording is already finished.");
    }
    if (old) return old;
    const rec: RecordingRecord = {
      spaceId,
      hostSub,
      status: "recording",
      startedAt: opts.startedAt ?? this.now(),
      trimStartMs: 0,
      clipsAllowed: opts.clipsAllowed ?? true,
    };
    // Two pushes at once open it once.
    const res = await this.kv.atomic().check({ key, versionstamp: null }).set(key, rec).commit();
    return res.ok ? rec : (await this.get(spaceId))!;
  }

  /** The replay's timeline (stage, speaking, comments, reactions, pins), or null when there is none. */
  async timeline(spaceId: string): Promise<Timeline | null> {
    const rec = await this.get(spaceId);
    return !rec || rec.status === "deleted" ? null : await readTimeline(this.store, spaceId);
  }

  /** The tracks the SFU's recorder wrote so far, each with its offset from the recording's start. */
  tracks(spaceId: string, rec: RecordingRecord): Promise<TrackInput[]> {
    return readTracks(this.store, spaceId, rec.startedAt);
  }

  /**
   * The Space ended: mixes the replay, stores its timeline and sets it to expire. `room`: what the
   * Space room kept of it (stage, comments, reactions, pins), when it could be read.
   */
  async finish(spaceId: string, opts: { room?: RoomTimeline | null; endedAt?: number } = {}): Promise<RecordingRecord> {
    const rec = await this.get(spaceId);
    if (!rec) throw new RecordingError(404, "rec.err.not_recorded", "This Space was not recorded.");
    if (rec.status !== "recording" && rec.status !== "failed") return rec;
    const endedAt = rec.endedAt ?? opts.endedAt ?? this.now();
    await this.#put({ ...rec, status: "mixing", endedAt });
    await writeTimeline(this.store, spaceId, { startedAt: rec.startedAt, endedAt }, opts.room ?? null).catch((err) =>
      console.error(`web: the timeline of ${spaceId} was not stored:`, err)
    );
    const tracks = await this.tracks(spaceId, rec);
    const expiresAt = endedAt + this.retentionMs;
    try {
      const durationMs = await this.#mixReplay(spaceId, tracks, rec.trimStartMs, endedAt - rec.startedAt);
      const done: RecordingRecord = { ...rec, status: "ready", endedAt, durationMs, expiresAt };
      await this.#put(done);
      await this.#expireLater({ type: "recording.expire", spaceId }, expiresAt);
      return done;
    } catch (err) {
      const failed: RecordingRecord = {
        ...rec,
        status: "failed",
        endedAt,
        expiresAt,
        error: (err as Error).message.slice(0, 300),
      };
      await this.#put(failed);
      await this.#expireLater({ type: "recording.expire", spaceId }, expiresAt);
      return failed;
    }
  }

  /** Mixes into scratch files, then replaces the replay: a listener never gets half a file. */
  async #mixReplay(spaceId: string, tracks: TrackInput[], fromMs: number, untilMs?: number): Promise<number> {
    const keys = this.replayKeys(spaceId);
    const scratch = await Deno.makeTempDir({ prefix: "spazio-mix-" });
    try {
      const tmp = { opus: `${scratch}/replay.ogg`, aac: `${scratch}/replay.m4a` };
      await mix(tracks, tmp, { fromMs, untilMs });
      const ms = await durationMs(tmp.opus);
      for (const k of ["opus", "aac"] as const) {
        const f = await Deno.open(tmp[k], { read: true });
        await this.store.write(keys[k], f.readable);
      }
      return ms;
    } finally {
      await Deno.remove(scratch, { recursive: true }).catch(() => {});
    }
  }

  #mine(rec: RecordingRecord | null, sub: string, what: string): RecordingRecord {
    if (!rec) throw new RecordingError(404, "rec.err.not_recorded", "This Space was not recorded.");
    if (rec.status === "deleted") {
      throw new RecordingError(410, "rec.err.recording_gone", "This recording was deleted.");
    }
    if (rec.hostSub !== sub) throw new RecordingError(403, "rec.err.forbidden", `Only the host can ${what}.`);
    return rec;
  }

  /** The host moves the replay's start; the replay is mixed again from the tracks. */
  async trim(spaceId: string, bySub: string, fromMs: number): Promise<RecordingRecord> {
    const rec = this.#mine(await this.get(spaceId), bySub, "trim this recording");
    if (rec.status !== "ready") {
      throw new RecordingError(
        409,
        "rec.err.recording_not_ready",
        "The replay is still being made; try again in a moment.",
      );
    }
    const full = (rec.durationMs ?? 0) + rec.trimStartMs;
    if (!Number.isInteger(fromMs) || fromMs < 0 || fromMs >= full - 1000) {
      throw new RecordingError(
        400,
        "rec.err.bad_trim",
        `The replay can start anywhere from 0 to ${Math.max(0, full - 1000)} ms.`,
        {
          max: Math.max(0, full - 1000),
        },
      );
    }
    const until = rec.endedAt !== undefined ? rec.endedAt - rec.startedAt : undefined;
    const durationMs = await this.#mixReplay(spaceId, await this.tracks(spaceId, rec), fromMs, until);
    const next = { ...rec, trimStartMs: fromMs, durationMs };
    await this.#put(next);
    return next;
  }

  async setClipsAllowed(spaceId: string, bySub: string, allowed: boolean): Promise<RecordingRecord> {
    const rec = this.#mine(await this.get(spaceId), bySub, "turn clips on or off");
    const next = { ...rec, clipsAllowed: allowed };
    await this.#put(next);
    return next;
  }

  /**
   * The host deletes the recording: files and index go, and its clips with them (how many is the
   * answer); tombstones stay for the 410s.
   */
  async delete(spaceId: string, bySub: string): Promise<number> {
    this.#mine(await this.get(spaceId), bySub, "delete this recording");
    await this.#remove(spaceId, "deleted");
    return await this.clips.removeAllOf(spaceId);
  }

  async #remove(spaceId: string, why: "deleted" | "expired") {
    await this.store.deletePrefix(`spaces/${RecordingService.id(spaceId)}/`);
    const rec = await this.get(spaceId);
    if (rec) {
      await this.#put({
        spaceId,
        hostSub: rec.hostSub,
        status: "deleted",
        startedAt: rec.startedAt,
        trimStartMs: 0,
        clipsAllowed: false,
        gone: why,
      });
    }
  }

  async #put(rec: RecordingRecord) {
    await this.kv.set(["recordings", rec.spaceId], rec);
  }

  async #expireLater(msg: Expiry, at: number) {
    // The delay is capped by KV (30 days); a message that comes early is queued again.
    await this.kv.enqueue(msg, { delay: Math.max(0, Math.min(at - this.now(), 30 * 24 * 3600_000)) });
  }

  /** The queue's handler (main.ts listens): removes what is due, queues again what is not yet. */
  async onQueue(msg: unknown): Promise<boolean> {
    const parsed = Expiry.safeParse(msg);
    const m = parsed.success ? parsed.data : null;
    if (m?.type === "recording.expire") {
      const rec = await this.get(m.spaceId);
      if (!rec || rec.status === "deleted" || rec.expiresAt === undefined) return true;
      if (rec.expiresAt > this.now()) {
        await this.#expireLater({ type: "recording.expire", spaceId: rec.spaceId }, rec.expiresAt);
      } else await this.#remove(rec.spaceId, "expired");
      return true;
    }
    if (m?.type === "clip.expire") {
      await this.clips.expire(m.clipId);
      return true;
    }
    return false;
  }

  /**
   * Everything past its time, at once: what the queue does over days, for a clock that jumps
   * (tests) and at start-up after a long stop.
   */
  async expireDue(): Promise<number> {
    let n = 0;
    for await (const e of this.kv.list<RecordingRecord>({ prefix: ["recordings"] })) {
      if (e.value.status !== "deleted" && e.value.expiresAt !== undefined && e.value.expiresAt <= this.now()) {
        await this.#remove(e.value.spaceId, "expired");
        n++;
      }
    }
    return n + await this.clips.expireDue();
  }
}
