// Clips: 30 s of a recorded Space, cut by a signed-in person: the last 30 s while it is live, or
// 30 s from a point of its replay. Each cut is an ffmpeg run and two files kept 30 days, so the
// limits below bound what one person, one Space and one server can be made to do. Clips expire
// by the recording's rule (a KV queue message), and go with their recording when the host deletes
// it: a tombstone stays so their page and audio say 410.
import { cut, durationMs, mix, type MixOutput } from "./mix.ts";
import { checkKey } from "./store.ts";
import { checkId, RecordingError } from "./errors.ts";
import type { RecordingRecord, RecordingService } from "./service.ts";

export const CLIP_MS = 30_000;

/**
 * Clips one person may cut of one Space per hour: a few moments worth sharing (X allows about as
 * many); more is a script, and each clip is an ffmpeg run and a month of storage.
 */
export const CLIPS_PER_PERSON_PER_HOUR = 5;
export const CLIP_WINDOW_MS = 3600_000;
/**
 * Clips one Space may have at once: 100 clips of 30 s are 50 minutes of audio, plenty for any
 * Space, while the storage one Space can cost stays bounded (about 0.5 MB a clip in two formats).
 */
export const CLIPS_PER_SPACE = 100;
/**
 * Cuts one web server runs at once, for everyone: ffmpeg takes a core while it cuts, and the web
 * must keep answering pages; a person over this is asked to try again in a few seconds.
 */
export const CUTS_AT_ONCE = 2;
/** Seconds after which a refused person may try again when the server or their last cut was busy. */
export const BUSY_RETRY_S = 5;
/** A person's "cutting" mark lasts this long at most, should the server stop in the middle of a cut. */
const CUTTING_LEASE_MS = 60_000;

export interface ClipRecord {
  id: string;
  spaceId: string;
  /** Where it starts in the replay as heard (after the trim). */
  fromMs: number;
  durationMs: number;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  /** Why it is gone: it expired, or the host deleted its recording. */
  gone?: "deleted" | "expired";
}

/** A Space's clips, by Space: counts the limits and finds the clips a deleted recording takes. */
type ClipOfSpace = { createdBy: string; createdAt: number; expiresAt: number };

const clipKey = (id: string) => ["clips", id];
const ofSpaceKey = (spaceId: string, id: string) => ["clipsOfSpace", spaceId, id];
const cuttingKey = (sub: string) => ["clipCutting", sub];

export class ClipService {
  /** Cuts running in this process now (CUTS_AT_ONCE). */
  #cutting = 0;

  constructor(readonly recordings: RecordingService, readonly newId: () => string) {}

  get #kv() {
    return this.recordings.kv;
  }

  #now() {
    return this.recordings.now();
  }

  keys(clipId: string): MixOutput {
    const id = checkId(clipId, "clip id");
    return { opus: checkKey(`clips/${id}/clip.ogg`), aac: checkKey(`clips/${id}/clip.m4a`) };
  }

  async get(clipId: string): Promise<ClipRecord | null> {
    return (await this.#kv.get<ClipRecord>(clipKey(checkId(clipId, "clip id")))).value;
  }

  /** The clips of a Space that are still there (what a deleted recording takes with it). */
  async countOf(spaceId: string): Promise<number> {
    let n = 0;
    for await (const _ of this.#kv.list({ prefix: ["clipsOfSpace", checkId(spaceId)] })) n++;
    return n;
  }

  /**
   * A clip of 30 s: from `fromMs` of a finished replay, or, while the Space is live, the last 30 s
   * recorded. `sub`: a signed-in person (`u:<id>`); `removed`: the room's or the host's word that
   * this person was put out of the Space.
   */
  async cut(spaceId: string, by: { sub: string; removed?: boolean }, fromMs?: number): Promise<ClipRecord> {
    if (!by.sub.startsWith("u:")) {
      throw new RecordingError(401, "rec.err.clip_signin", "Sign in to clip: clips are made by accounts.");
    }
    const rec = await this.recordings.get(spaceId);
    if (!rec) {
      throw new RecordingError(404, "rec.err.not_recorded", "This Space is not recorded, so it cannot be clipped.");
    }
    if (rec.status === "deleted") {
      throw new RecordingError(410, "rec.err.recording_gone", "This recording was deleted.");
    }
    if (by.removed) throw new RecordingError(403, "rec.err.removed", "You were removed from this Space.");
    if (!rec.clipsAllowed) {
      throw new RecordingError(403, "rec.err.clips_off", "The host turned clips off for this Space.");
    }
    const release = await this.#markCutting(by.sub);
    try {
      await this.#withinLimits(spaceId, by.sub);
      // No await between the check and the count: two requests cannot both take the last slot.
      if (this.#cutting >= CUTS_AT_ONCE) {
        throw new RecordingError(
          429,
          "rec.err.clips_busy",
          "Clips are being cut for many people; try again in a few seconds.",
          undefined,
          BUSY_RETRY_S,
        );
      }
      this.#cutting++;
      try {
        return await this.#cut(spaceId, rec, by.sub, fromMs);
      } finally {
        this.#cutting--;
      }
    } finally {
      await release();
    }
  }

  /**
   * One cut per person at a time, across web servers: a mark in KV, set only if there is none
   * (or only a stale one). Twenty requests at once from one person start one ffmpeg run.
   */
  async #markCutting(sub: string): Promise<() => Promise<void>> {
    const key = cuttingKey(sub);
    const old = await this.#kv.get<{ until: number; token: string }>(key);
    const busy = () =>
      new RecordingError(
        429,
        "rec.err.clip_in_progress",
        "Your last clip is still being cut; try again when it is ready.",
        undefined,
        BUSY_RETRY_S,
      );
    if (old.value && old.value.until > this.#now()) throw busy();
    const token = crypto.randomUUID();
    const res = await this.#kv.atomic().check(old)
      .set(key, { until: this.#now() + CUTTING_LEASE_MS, token }, { expireIn: CUTTING_LEASE_MS })
      .commit();
    if (!res.ok) throw busy();
    return async () => {
      const now = await this.#kv.get<{ token: string }>(key);
      if (now.value?.token === token) await this.#kv.atomic().check(now).delete(key).commit();
    };
  }

  /**
   * The hourly limit of one person in one Space, and the cap of a Space. Runs under the person's
   * cutting mark, so their own requests are counted one after another; different people at the
   * same moment may pass the Space's cap by at most CUTS_AT_ONCE.
   */
  async #withinLimits(spaceId: string, sub: string): Promise<void> {
    const now = this.#now();
    const mine: number[] = [];
    const all: number[] = [];
    for await (const e of this.#kv.list<ClipOfSpace>({ prefix: ["clipsOfSpace", spaceId] })) {
      all.push(e.value.expiresAt);
      if (e.value.createdBy === sub && e.value.createdAt > now - CLIP_WINDOW_MS) mine.push(e.value.createdAt);
    }
    if (mine.length >= CLIPS_PER_PERSON_PER_HOUR) {
      const retryAfterS = Math.max(1, Math.ceil((Math.min(...mine) + CLIP_WINDOW_MS - now) / 1000));
      throw new RecordingError(
        429,
        "rec.err.clip_limit",
        `You can cut ${CLIPS_PER_PERSON_PER_HOUR} clips of a Space in an hour; try again in ${
          Math.ceil(retryAfterS / 60)
        } minutes.`,
        { n: CLIPS_PER_PERSON_PER_HOUR, minutes: Math.ceil(retryAfterS / 60) },
        retryAfterS,
      );
    }
    if (all.length >= CLIPS_PER_SPACE) {
      const retryAfterS = Math.max(1, Math.ceil((Math.min(...all) - now) / 1000));
      throw new RecordingError(
        429,
        "rec.err.clips_full",
        `This Space has ${CLIPS_PER_SPACE} clips, as many as it may have.`,
        { n: CLIPS_PER_SPACE },
        retryAfterS,
      );
    }
  }

  async #cut(spaceId: string, rec: RecordingRecord, sub: string, fromMs?: number): Promise<ClipRecord> {
    const id = this.newId();
    const keys = this.keys(id);
    const store = this.recordings.store;
    const scratch = await Deno.makeTempDir({ prefix: "spazio-clip-" });
    let start: number;
    try {
      const tmp = { opus: `${scratch}/clip.ogg`, aac: `${scratch}/clip.m4a` };
      if (rec.status === "recording") {
        const tracks = await this.recordings.tracks(spaceId, rec);
        if (!tracks.length) throw new RecordingError(409, "rec.err.nothing_recorded", "Nothing has been recorded yet.");
        const elapsed = this.#now() - rec.startedAt;
        start = Math.max(0, elapsed - CLIP_MS);
        await mix(tracks, tmp, { fromMs: start, durationMs: CLIP_MS, untilMs: elapsed });
      } else if (rec.status === "ready") {
        const length = rec.durationMs ?? 0;
        if (fromMs === undefined || !Number.isInteger(fromMs) || fromMs < 0 || fromMs >= length) {
          const max = Math.max(0, length - 1);
          throw new RecordingError(
            400,
            "rec.err.bad_clip",
            `A clip starts anywhere from 0 to ${max} ms of this replay.`,
            { max },
          );
        }
        start = fromMs;
        const replay = store.localPath(this.recordings.replayKeys(spaceId).opus);
        await cut(replay, tmp, fromMs, Math.min(CLIP_MS, length - fromMs));
      } else {
        throw new RecordingError(
          409,
          "rec.err.recording_not_ready",
          "The replay is still being made; try again in a moment.",
        );
      }
      const length = await durationMs(tmp.opus);
      for (const k of ["opus", "aac"] as const) {
        const f = await Deno.open(tmp[k], { read: true });
        await store.write(keys[k], f.readable);
      }
      const now = this.#now();
      const clip: ClipRecord = {
        id,
        spaceId,
        fromMs: start,
        durationMs: length,
        createdBy: sub,
        createdAt: now,
        expiresAt: now + this.recordings.retentionMs,
      };
      const of: ClipOfSpace = { createdBy: sub, createdAt: now, expiresAt: clip.expiresAt };
      await this.#kv.atomic().set(clipKey(id), clip).set(ofSpaceKey(spaceId, id), of).commit();
      await this.#expireLater(id, clip.expiresAt);
      return clip;
    } finally {
      await Deno.remove(scratch, { recursive: true }).catch(() => {});
    }
  }

  async #expireLater(clipId: string, at: number) {
    // The delay is capped by KV (30 days); a message that comes early is queued again.
    const delay = Math.max(0, Math.min(at - this.#now(), 30 * 24 * 3600_000));
    await this.#kv.enqueue({ type: "clip.expire", clipId }, { delay });
  }

  /** Files go, the record stays as a tombstone (410), and the Space no longer counts it. */
  async #remove(clip: ClipRecord, why: "deleted" | "expired") {
    await this.recordings.store.deletePrefix(`clips/${checkId(clip.id, "clip id")}/`);
    await this.#kv.atomic()
      .set(clipKey(clip.id), { ...clip, gone: why })
      .delete(ofSpaceKey(clip.spaceId, clip.id))
      .commit();
  }

  /** The host deleted the recording: every clip of it goes too. How many went. */
  async removeAllOf(spaceId: string): Promise<number> {
    let n = 0;
    for await (const e of this.#kv.list({ prefix: ["clipsOfSpace", checkId(spaceId)] })) {
      const clip = await this.get(String(e.key[2]));
      if (clip && !clip.gone) {
        await this.#remove(clip, "deleted");
        n++;
      } else await this.#kv.delete(e.key);
    }
    return n;
  }

  /** The queue's message for one clip: removed when due, queued again when not yet. */
  async expire(clipId: string): Promise<void> {
    const clip = await this.get(clipId);
    if (!clip || clip.gone) return;
    if (clip.expiresAt > this.#now()) await this.#expireLater(clip.id, clip.expiresAt);
    else await this.#remove(clip, "expired");
  }

  /** Every clip past its time, at once (start-up after a long stop, a clock that jumps in tests). */
  async expireDue(): Promise<number> {
    let n = 0;
    for await (const e of this.#kv.list<ClipRecord>({ prefix: ["clips"] })) {
      if (!e.value.gone && e.value.expiresAt <= this.#now()) {
        await this.#remove(e.value, "expired");
        n++;
      }
    }
    return n;
  }
}
