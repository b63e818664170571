// The web's recording endpoints over HTTP, with the real app, KV, files and ffmpeg: the replay is
// served with Range (a seek asks for a part and gets just that part), malformed or past-the-end
// ranges are refused with their status; only the host trims, turns clips off or deletes, and a
// deleted replay answers 410 with a message; clips are cut (signed in) and served; ids that are paths are
// refused before anything is read.
import assert from "node:assert/strict";
import { FFMPEG } from "../lib/server/recordings/mix.ts";
import { RecordingService } from "../lib/server/recordings/service.ts";
import { LocalRecordingStore } from "../lib/server/recordings/store.ts";
import { account, call } from "./support/calls.ts";
import { sameOrigin, startWeb } from "./support/web.ts";

Deno.test("recording API: Range replay, the host's controls, clips, 410 once deleted, bad ids and ranges refused", async () => {
  const web = await startWeb();
  const root = await Deno.makeTempDir({ prefix: "spazio-recapi-" });
  const store = new LocalRecordingStore(root);
  const svc = new RecordingService(web.deps.kv, store);
  web.deps.recordings = svc;
  try {
    const host = await account(web, "rechost");
    const guest = await account(web, "recguest");
    const space = "spApi0001";
    const rec = await svc.start(space, `u:${host.user.id}`);
    const dir = store.localPath(`${RecordingService.tracksPrefix(space)}index.json`).replace(/index\.json$/, "");
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
        "sine=frequency=440:duration=40:sample_rate=48000",
        "-c:a",
        "libopus",
        "-ac",
        "1",
        `${dir}/p-1.ogg`,
      ],
    }).output();
    assert.equal(made.code, 0);
    await Deno.writeTextFile(
      `${dir}/index.json`,
      JSON.stringify({ segments: [{ file: "p-1.ogg", sub: `u:${host.user.id}`, firstPacketAt: rec.startedAt }] }),
    );
    assert.equal((await svc.finish(space)).status, "ready");

    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${web.url}${path}`, { headers });
    const whole = await get(`/api/recordings/${space}/replay.ogg`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    const size = (await whole.arrayBuffer()).byteLength;
    assert.ok(size > 10_000);
    // A seek: just the asked bytes.
    const part = await get(`/api/recordings/${space}/replay.ogg`, { range: "bytes=5000-5999" });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 5000-5999/${size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 1000);
    const m4a = await get(`/api/recordings/${space}/replay.m4a`, { range: "bytes=0-7" });
    assert.equal(m4a.status, 206);
    assert.equal(m4a.headers.get("content-type"), "audio/mp4");
    assert.equal(new TextDecoder().decode((await m4a.arrayBuffer()).slice(4, 8)), "ftyp");
    const past = await get(`/api/recordings/${space}/replay.ogg`, { range: `bytes=${size}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${size}`);
    await past.body?.cancel();
    const bad = await get(`/api/recordings/${space}/replay.ogg`, { range: "bytes=x-y" });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    for (
      const path of [
        `/api/recordings/..%2F..%2Fetc/replay.ogg`,
        `/api/recordings/${space}/..%2Findex.json`,
        `/api/recordings/${space}/index.json`,
        `/api/clips/..%2Fx/clip.ogg`,
      ]
    ) {
      const r = await get(path);
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
      await r.body?.cancel();
    }

    // The host's controls; nobody else's.
    const summary = await (await get(`/api/spaces/${space}/recording`)).json();
    assert.equal(summary.status, "ready");
    assert.equal(
      (await call(web, guest, "PATCH", `/api/spaces/${space}/recording`, { trimStartMs: 1000 })).status,
      403,
    );
    assert.equal((await call(web, null, "DELETE", `/api/spaces/${space}/recording`)).status, 401);
    const badTrim = await call(web, host, "PATCH", `/api/spaces/${space}/recording`, { trimStartMs: 10_000_000 });
    assert.equal(badTrim.status, 400);
    assert.match(badTrim.body.error.message, /from 0 to \d+ ms/);
    assert.equal(
      (await call(web, host, "PATCH", `/api/spaces/${space}/recording`, { trimStartMs: "soon" })).status,
      400,
    );
    const trimmed = await call(web, host, "PATCH", `/api/spaces/${space}/recording`, { trimStartMs: 2000 });
    assert.equal(trimmed.status, 200);
    assert.ok(Math.abs(trimmed.body.durationMs - 38_000) <= 200);

    // Clips need an account (tests/clips_test.ts has their limits).
    const anonymous = await fetch(
      `${web.url}/api/spaces/${space}/clips`,
      sameOrigin(web, { method: "POST", body: JSON.stringify({ fromMs: 1000 }) }),
    );
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const clipped = await call(web, guest, "POST", `/api/spaces/${space}/clips`, { fromMs: 1000 });
    assert.equal(clipped.status, 201);
    const clip = clipped.body;
    assert.ok(Math.abs(clip.durationMs - 30_000) <= 500);
    const clipAudio = await get(clip.url, { range: "bytes=0-3" });
    assert.equal(clipAudio.status, 206);
    assert.equal(new TextDecoder().decode(await clipAudio.arrayBuffer()), "OggS");
    const outOfRange = await call(web, guest, "POST", `/api/spaces/${space}/clips`, { fromMs: 999_999 });
    assert.equal(outOfRange.status, 400);
    assert.equal((await call(web, guest, "POST", `/api/spaces/spNotRec9/clips`, { fromMs: 0 })).status, 404);
    assert.equal(
      (await call(web, host, "PATCH", `/api/spaces/${space}/recording`, { clipsAllowed: false })).status,
      200,
    );
    const off = await call(web, guest, "POST", `/api/spaces/${space}/clips`, { fromMs: 0 });
    assert.equal(off.status, 403);
    assert.match(off.body.error.message, /turned clips off/);

    // The host deletes: 410 with a reason, files gone.
    assert.equal((await call(web, guest, "DELETE", `/api/spaces/${space}/recording`)).status, 403);
    assert.equal((await call(web, host, "DELETE", `/api/spaces/${space}/recording`)).status, 200);
    const gone = await get(`/api/recordings/${space}/replay.ogg`);
    assert.equal(gone.status, 410);
    assert.match((await gone.json()).error.message, /deleted/);
    assert.equal((await get(`/api/spaces/${space}/recording`, { accept: "application/json" })).status, 410);
    assert.deepEqual(await store.list(`spaces/${space}/`), []);
  } finally {
    await web.close();
    await Deno.remove(root, { recursive: true });
  }
});
