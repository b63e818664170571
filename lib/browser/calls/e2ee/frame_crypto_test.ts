import assert from "node:assert/strict";

import { clearBytes, open, type OpenKey, REPLAY_WINDOW, ReplayWindow, seal, type SealKey } from "./frame_crypto.ts";
import { deriveCallKeys, newDeviceKey, rawPublic, shortCode } from "./keys.ts";

const aes = () => crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
const bytes = (n: number, first = 0) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? first : (i * 7) & 0xff));

async function pair(keyId = 3) {
  const key = await aes();
  const s: SealKey = { key, keyId, next: 0 };
  const r: OpenKey = { key, keyId, window: new ReplayWindow() };
  return { s, r };
}

Deno.test("a sealed frame opens to the same bytes, audio and video, keyframe and delta", async () => {
  const { s, r } = await pair();
  const frames: ["audio" | "video", Uint8Array][] = [
    ["audio", bytes(80, 0x78)],
    ["video", bytes(900, 0x50)], // keyframe: bit 0 clear
    ["video", bytes(300, 0x31)], // delta frame
    ["video", bytes(4, 0x10)], // a keyframe shorter than its clear part
    ["audio", new Uint8Array(0)],
  ];
  for (const [kind, f] of frames) {
    const sealed = await seal(s, kind, f);
    const got = await open([r], kind, sealed);
    if (!got.ok) throw new Error(`${kind} ${f.length}: ${got.why}`);
    assert.deepEqual(got.frame, f);
  }
});

Deno.test("the codec's bytes stay in the clear and the rest does not", async () => {
  const { s } = await pair();
  const opus = bytes(60, 0xfc);
  const sealedOpus = await seal(s, "audio", opus);
  assert.deepEqual(clearBytes("audio", opus), 1);
  assert.deepEqual(sealedOpus[0], 0xfc);
  assert.notDeepEqual(sealedOpus.subarray(1, 60), opus.subarray(1, 60));
  assert.deepEqual(sealedOpus.length, 60 + 16 + 5);
  const key = bytes(500, 0x90);
  const sealedKey = await seal(s, "video", key);
  assert.deepEqual(sealedKey.subarray(0, 10), key.subarray(0, 10));
  assert.notDeepEqual(sealedKey.subarray(10, 20), key.subarray(10, 20));
  const delta = bytes(500, 0x91);
  const sealedDelta = await seal(s, "video", delta);
  assert.deepEqual(sealedDelta.subarray(0, 3), delta.subarray(0, 3));
  assert.notDeepEqual(sealedDelta.subarray(3, 10), delta.subarray(3, 10));
  // The trailer: counter 2 (the third frame under this key), key id 3.
  assert.deepEqual([...sealedDelta.subarray(-5)], [0, 0, 0, 2, 3]);
});

Deno.test("a frame seen before is dropped; frames out of order within the window pass; too old ones do not", async () => {
  const { s, r } = await pair();
  const sealed = [];
  for (let i = 0; i < REPLAY_WINDOW + 10; i++) sealed.push(await seal(s, "audio", bytes(40, 0x78)));
  assert.ok((await open([r], "audio", sealed[5])).ok);
  assert.deepEqual(await open([r], "audio", sealed[5]), { ok: false, why: "replay" });
  assert.ok((await open([r], "audio", sealed[3])).ok, "an earlier frame arriving late");
  assert.ok((await open([r], "audio", sealed[REPLAY_WINDOW + 9])).ok);
  assert.deepEqual(await open([r], "audio", sealed[4]), { ok: false, why: "replay" }, "older than the window");
  assert.ok((await open([r], "audio", sealed[REPLAY_WINDOW + 8])).ok);
});

Deno.test("the wrong key, an unknown key id, or a changed clear byte fails", async () => {
  const { s } = await pair(7);
  const other: OpenKey = { key: await aes(), keyId: 7, window: new ReplayWindow() };
  const sealed = await seal(s, "video", bytes(200, 0x90));
  assert.deepEqual(await open([other], "video", sealed), { ok: false, why: "auth" });
  const { r } = await pair(8);
  assert.deepEqual(await open([r], "video", sealed), { ok: false, why: "unknown_key" });
  const right: OpenKey = { key: s.key, keyId: 7, window: new ReplayWindow() };
  const tampered = sealed.slice();
  tampered[5] ^= 1;
  assert.deepEqual(await open([right], "video", tampered), { ok: false, why: "auth" });
  // A failed frame does not move the window: the real one still opens.
  assert.ok((await open([right], "video", sealed)).ok);
});

Deno.test("both devices derive matching keys and the same code; a replaced public key changes the code", async () => {
  const [a, b, m] = [await newDeviceKey(), await newDeviceKey(), await newDeviceKey()];
  const nonce = () => crypto.getRandomValues(new Uint8Array(16));
  const pa = { pub: await rawPublic(a), nonce: nonce() };
  const pb = { pub: await rawPublic(b), nonce: nonce() };
  const ka = await deriveCallKeys("call-123456", "caller", a, pa, pb);
  const kb = await deriveCallKeys("call-123456", "callee", b, pb, pa);
  assert.deepEqual(ka.code, kb.code);
  assert.ok(/^\d{4} \d{4} \d{4}$/.test(ka.code));
  assert.deepEqual(ka.keyId, kb.keyId);
  const sealed = await seal({ key: ka.send.audio, keyId: ka.keyId, next: 0 }, "audio", bytes(50, 0x78));
  assert.ok((await open([{ key: kb.recv.audio, keyId: kb.keyId, window: new ReplayWindow() }], "audio", sealed)).ok);
  // Audio and video keys differ, and so do the two directions.
  assert.deepEqual(
    await open([{ key: kb.recv.video, keyId: kb.keyId, window: new ReplayWindow() }], "audio", sealed),
    { ok: false, why: "auth" },
  );
  assert.deepEqual(
    await open([{ key: ka.recv.audio, keyId: ka.keyId, window: new ReplayWindow() }], "audio", sealed),
    { ok: false, why: "auth" },
  );
  // Someone in the middle hands Bob their key as Ann's: Bob's code is not Ann's.
  const pm = { pub: await rawPublic(m), nonce: pa.nonce };
  const kbm = await deriveCallKeys("call-123456", "callee", b, pb, pm);
  assert.notDeepEqual(kbm.code, ka.code);
  // Another call between the same devices: other keys and another code.
  assert.notDeepEqual(await shortCode("call-other1", pa.pub, pb.pub), ka.code);
});
