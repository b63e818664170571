// The life of a recording after the SFU wrote its tracks, with real Deno KV, files and ffmpeg: a
// live clip holds the last 30 s; the replay is mixed when the Space ends with each speaker at
// their time; only the host trims or deletes; clips are refused when off, for a removed person,
// for a Space not recorded, out of range, or with an id that is a path; everything expires
// after the retention period under an injected clock, files included.
import assert from "node:assert/strict";
import { FFMPEG, levels, soundIntervals } from "../lib/server/recordings/mix.ts";
import { RecordingError, RecordingService } from "../lib/server/recordings/service.ts";
import { LocalRecordingStore } from "../lib/server/recordings/store.ts";

const DAY = 24 * 3600_000;

async function tone(path: string, ms: number, hz: number) {
  const out = await new Deno.Command(FFMPEG, {
    args: [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${hz}:duration=${ms / 1000}:sample_rate=48000`,
      "-c:a",
      "libopus",
      "-ac",
      "1",
      "-b:a",
      "24k",
      path,
    ],
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

const near = (got: [number, number][], want: [number, number][], slack = 150) =>
  assert.ok(
    got.length === want.length &&
      got.every(([a, b], i) => Math.abs(a - want[i][0]) <= slack && Math.abs(b - want[i][1]) <= slack),
    `sound at ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (±${slack} ms)`,
  );

const refused = (status: number, code?: string) => (e: unknown) =>
  e instanceof RecordingError && e.status === status && (!code || e.code === code);

Deno.test("a recording: live clip, replay mixed at the speakers' times, the host's trim and delete, clips, expiry", async () => {
  const root = await Deno.makeTempDir({ prefix: "spazio-recsvc-" });
  const kv = await Deno.openKv(":memory:");
  let now = Date.UTC(2026, 11, 1, 12);
  const store = new LocalRecordingStore(root);
  let ids = 0;
  const svc = new RecordingService(kv, store, { now: () => now, newId: () => `clip${++ids}xx` });
  const space = "spRec0001";
  try {
    const rec = await svc.start(space, "u:host");
    // The SFU's recorder: speaker A from 0.5 s for 35 s, speaker B from 36 s for 3 s.
    const dir = store.localPath(`${RecordingService.tracksPrefix(space)}index.json`).replace(/index\.json$/, "");
    await Deno.mkdir(dir, { recursive: true });
    await tone(`${dir}/pa-1.ogg`, 35_000, 440);
    await tone(`${dir}/pb-1.ogg`, 3_000, 660);
    await Deno.writeTextFile(
      `${dir}/index.json`,
      JSON.stringify({
        segments: [
          {
            file: "pa-1.ogg",
            sub: "u:host",
            producerId: "pa",
            firstPacketAt: rec.startedAt + 500,
            startedAt: rec.startedAt,
            endedAt: null,
          },
          {
            file: "pb-1.ogg",
            sub: "u:guest",
            producerId: "pb",
            firstPacketAt: rec.startedAt + 36_000,
            startedAt: rec.startedAt,
            endedAt: null,
          },
          // A segment whose ffmpeg got no packet before it died, and a file name that is a path.
          { file: "pc-1.ogg", sub: "u:x", producerId: "pc", firstPacketAt: null },
          { file: "../../../etc/passwd", sub: "u:x", producerId: "pd", firstPacketAt: rec.startedAt },
        ],
      }),
    );

    // While live, 34 s in: a clip is the last 30 s, all of speaker A.
    now = rec.startedAt + 34_000;
    const live = await svc.clips.cut(space, { sub: "u:listener" });
    assert.ok(Math.abs(live.durationMs - 30_000) <= 500, `live clip lasts ${live.durationMs} ms`);
    assert.equal(live.fromMs, 4_000);
    near(soundIntervals(await levels(store.localPath(svc.clips.keys(live.id).opus))), [[0, 30_000]]);
    await assert.rejects(svc.clips.cut(space, { sub: "u:gone", removed: true }), refused(403));

    // The Space ends: the replay has both speakers at their times, in both formats.
    now = rec.startedAt + 40_000;
    const done = await svc.finish(space);
    assert.equal(done.status, "ready", done.error ?? "");
    // As long as the Space: the second after the last voice is kept as silence.
    assert.ok(Math.abs(done.durationMs! - 40_000) <= 200, `replay lasts ${done.durationMs} ms`);
    for (const f of Object.values(svc.replayKeys(space))) {
      near(soundIntervals(await levels(store.localPath(f))), [[500, 35_500], [36_000, 39_000]]);
    }
    assert.equal(done.expiresAt, now + 30 * DAY);

    // Only the host trims; a start past the end is refused; a trim moves everything earlier.
    await assert.rejects(svc.trim(space, "u:guest", 10_000), refused(403));
    await assert.rejects(svc.trim(space, "u:host", 39_000), refused(400, "rec.err.bad_trim"));
    const trimmed = await svc.trim(space, "u:host", 5_000);
    near(soundIntervals(await levels(store.localPath(svc.replayKeys(space).opus))), [[0, 30_500], [31_000, 34_000]]);
    assert.ok(Math.abs(trimmed.durationMs! - 35_000) <= 200, `trimmed replay lasts ${trimmed.durationMs} ms`);

    // Clips from the replay: 30 s from the start; a start out of range is refused.
    const c = await svc.clips.cut(space, { sub: "u:fan" }, 0);
    assert.ok(Math.abs(c.durationMs - 30_000) <= 500, `clip lasts ${c.durationMs} ms`);
    near(soundIntervals(await levels(store.localPath(svc.clips.keys(c.id).opus))), [[0, 30_000]]);
    // Near the end a clip is what is left: from 31 s, the second speaker's 3 s, then the last second's silence.
    const end = await svc.clips.cut(space, { sub: "u:fan" }, 31_000);
    near(soundIntervals(await levels(store.localPath(svc.clips.keys(end.id).opus))), [[0, 3_000]]);
    await assert.rejects(svc.clips.cut(space, { sub: "u:fan" }, 35_500), refused(400, "rec.err.bad_clip"));
    await assert.rejects(svc.clips.cut(space, { sub: "u:fan" }, -1), refused(400));
    await assert.rejects(svc.clips.cut("spNotRec1", { sub: "u:fan" }, 0), refused(404, "rec.err.not_recorded"));
    await assert.rejects(svc.clips.cut("../etc", { sub: "u:fan" }, 0), refused(400, "rec.err.bad_id"));
    await assert.rejects(svc.clips.get("../../x"), refused(400));
    // The host turns clips off: refused for everyone.
    await assert.rejects(svc.setClipsAllowed(space, "u:guest", false), refused(403));
    await svc.setClipsAllowed(space, "u:host", false);
    await assert.rejects(svc.clips.cut(space, { sub: "u:fan" }, 0), refused(403, "rec.err.clips_off"));

    // 31 days on, the queue's work (run at once here): the replay and the clips are gone.
    now += 31 * DAY;
    assert.ok((await svc.expireDue()) >= 4);
    assert.deepEqual(await store.list(`spaces/${space}/`), []);
    assert.deepEqual(await store.list("clips/"), []);
    assert.equal((await svc.get(space))?.status, "deleted");
    assert.equal((await svc.get(space))?.gone, "expired");
    assert.equal((await svc.clips.get(c.id))?.gone, "expired");
    await assert.rejects(svc.clips.cut(space, { sub: "u:fan" }, 0), refused(410));
  } finally {
    kv.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a host's delete removes files and index at once; the recording then answers gone", async () => {
  const root = await Deno.makeTempDir({ prefix: "spazio-recdel-" });
  const kv = await Deno.openKv(":memory:");
  const store = new LocalRecordingStore(root);
  const svc = new RecordingService(kv, store);
  const space = "spRec0002";
  try {
    const rec = await svc.start(space, "u:host");
    const dir = store.localPath(`${RecordingService.tracksPrefix(space)}index.json`).replace(/index\.json$/, "");
    await Deno.mkdir(dir, { recursive: true });
    await tone(`${dir}/p-1.ogg`, 2_000, 440);
    await Deno.writeTextFile(
      `${dir}/index.json`,
      JSON.stringify({ segments: [{ file: "p-1.ogg", sub: "u:host", firstPacketAt: rec.startedAt }] }),
    );
    assert.equal((await svc.finish(space)).status, "ready");
    assert.ok((await store.list(`spaces/${space}/`)).length >= 3);
    await assert.rejects(svc.delete(space, "u:someone"), refused(403));
    assert.ok((await store.list(`spaces/${space}/`)).length >= 3, "a refused delete changes nothing");
    await svc.delete(space, "u:host");
    assert.deepEqual(await store.list(`spaces/${space}/`), []);
    const gone = await svc.get(space);
    assert.equal(gone?.status, "deleted");
    assert.equal(gone?.gone, "deleted");
    await assert.rejects(svc.trim(space, "u:host", 0), refused(410));
    // Nothing recorded at all: the Space ends, the replay failed, and says why.
    await svc.start("spRec0003", "u:host");
    const empty = await svc.finish("spRec0003");
    assert.equal(empty.status, "failed");
    assert.match(empty.error ?? "", /no track/);
  } finally {
    kv.close();
    await Deno.remove(root, { recursive: true });
  }
});
