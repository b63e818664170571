// Recording files: the store refuses keys that would leave its folder, writes whole files only;
// Range answers what a player asks (206 with the right bytes, 416 past the end, 400 malformed);
// the mixer puts each speaker's track at its offset (decoded back with ffmpeg, tone within 100 ms
// of where it was placed), drops a trimmed start, and cuts clips of the asked length.
import assert from "node:assert/strict";
import { cut, FFMPEG, levels, mix, soundIntervals } from "../lib/server/recordings/mix.ts";
import { parseRange, serveStored } from "../lib/server/recordings/range.ts";
import { BadKeyError, LocalRecordingStore } from "../lib/server/recordings/store.ts";

async function tempStore() {
  const root = await Deno.makeTempDir({ prefix: "spazio-rec-" });
  return { root, store: new LocalRecordingStore(root) };
}

Deno.test("recording store: keys that could leave the folder are refused; files are written whole, listed and deleted", async () => {
  const { root, store } = await tempStore();
  try {
    for (
      const bad of [
        "../x",
        "a/../../b",
        "/etc/passwd",
        "a//b",
        "a/./b",
        "",
        "a\\b",
        "%2e%2e/x",
        "a/b/",
        "a.b.c/d",
        "x".repeat(65),
      ]
    ) {
      assert.throws(() => store.localPath(bad), BadKeyError, bad);
      await assert.rejects(store.stat(bad), BadKeyError);
    }
    await assert.rejects(store.list("../"), BadKeyError);
    await store.write("spaces/sp1/tracks/t1.ogg", new Uint8Array([1, 2, 3]));
    await store.write("spaces/sp1/replay.ogg", new Uint8Array(10));
    await store.write("spaces/sp2/replay.ogg", new Uint8Array(5));
    assert.deepEqual(await store.list("spaces/sp1/"), ["spaces/sp1/replay.ogg", "spaces/sp1/tracks/t1.ogg"]);
    assert.equal((await store.stat("spaces/sp1/replay.ogg"))?.size, 10);
    assert.equal(await store.stat("spaces/sp1/nothing.ogg"), null);
    // No half-written file is ever listed, and a rewrite replaces the file.
    await store.write("spaces/sp1/replay.ogg", new Uint8Array(12));
    assert.equal((await store.stat("spaces/sp1/replay.ogg"))?.size, 12);
    assert.equal(await store.deletePrefix("spaces/sp1/"), 2);
    assert.deepEqual(await store.list("spaces/sp1/"), []);
    assert.deepEqual(await store.list("spaces/sp2/"), ["spaces/sp2/replay.ogg"], "another Space's files stay");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Range: a player's ranges get 206 and the right bytes; past the end is 416 with the size; malformed is 400", async () => {
  assert.deepEqual(parseRange(null, 100), null);
  assert.deepEqual(parseRange("bytes=0-", 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=10-19", 100), { start: 10, end: 19 });
  assert.deepEqual(parseRange("bytes=90-200", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=0-1, 5-6", 100), null, "several ranges: the whole file");
  assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  for (
    const bad of [
      "bytes=",
      "bytes=-",
      "bytes=a-b",
      "items=0-1",
      "bytes=5-1",
      "bytes=1-2-3",
      "0-1",
      "bytes=99999999999999999-",
    ]
  ) {
    assert.equal(parseRange(bad, 100), "malformed", bad);
  }

  const { root, store } = await tempStore();
  try {
    const body = new Uint8Array(1000).map((_, i) => i % 251);
    await store.write("spaces/sp1/replay.ogg", body);
    const get = (range?: string, method = "GET") =>
      serveStored(
        new Request("http://x/r", { method, headers: range ? { range } : {} }),
        store,
        "spaces/sp1/replay.ogg",
        "audio/ogg",
      );
    const whole = await get();
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), body);
    const part = await get("bytes=100-199");
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), "bytes 100-199/1000");
    assert.equal(part.headers.get("content-length"), "100");
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), body.slice(100, 200));
    const tail = await get("bytes=-10");
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), body.slice(990));
    const past = await get("bytes=1000-");
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), "bytes */1000");
    await past.body?.cancel();
    const bad = await get("bytes=zz");
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /byte range/);
    const head = await get("bytes=0-9", "HEAD");
    assert.equal(head.status, 206);
    assert.equal(head.headers.get("content-length"), "10");
    assert.equal(await head.text(), "");
    const missing = await serveStored(new Request("http://x/r"), store, "spaces/sp9/replay.ogg", "audio/ogg");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A tone of `ms` as Ogg/Opus, as the recorder writes a speaker's track. */
async function toneTrack(path: string, ms: number, hz = 440) {
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
      path,
    ],
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

const near = (got: [number, number][], want: [number, number][], slack = 100) =>
  assert.ok(
    got.length === want.length &&
      got.every(([a, b], i) => Math.abs(a - want[i][0]) <= slack && Math.abs(b - want[i][1]) <= slack),
    `tone at ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (±${slack} ms)`,
  );

Deno.test("mix: each speaker's track plays at its offset in both formats; a trim drops the start; a clip has the asked length", async () => {
  const dir = await Deno.makeTempDir({ prefix: "spazio-mix-" });
  try {
    await toneTrack(`${dir}/a.ogg`, 1000, 440);
    await toneTrack(`${dir}/b.ogg`, 1500, 660);
    const out = { opus: `${dir}/replay.ogg`, aac: `${dir}/replay.m4a` };
    await mix([{ path: `${dir}/a.ogg`, offsetMs: 0 }, { path: `${dir}/b.ogg`, offsetMs: 2500 }], out);
    for (const file of [out.opus, out.aac]) {
      near(soundIntervals(await levels(file)), [[0, 1000], [2500, 4000]]);
    }
    // The host trims the first two seconds: the second speaker now starts at 0.5 s.
    const trimmed = { opus: `${dir}/t.ogg`, aac: `${dir}/t.m4a` };
    await mix([{ path: `${dir}/a.ogg`, offsetMs: 0 }, { path: `${dir}/b.ogg`, offsetMs: 2500 }], trimmed, {
      fromMs: 2000,
    });
    near(soundIntervals(await levels(trimmed.opus)), [[500, 2000]]);
    // A 1 s clip from 2 s: half a second of silence, then the second tone; it lasts 1 s.
    const clip = { opus: `${dir}/c.ogg`, aac: `${dir}/c.m4a` };
    await cut(out.opus, clip, 2000, 1000);
    const rms = await levels(clip.opus);
    assert.ok(Math.abs(rms.length * 50 - 1000) <= 60, `clip lasts ${rms.length * 50} ms`);
    near(soundIntervals(rms), [[500, 1000]]);
    await assert.rejects(mix([], out), /no track/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
