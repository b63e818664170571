/// <reference lib="webworker" />
// The worker of one end-to-end encrypted call (built by scripts/build.ts to /_build/e2ee-worker.js,
// served at /e2ee-worker.js): every encoded frame of the call's senders and receivers passes
// through it (frame_crypto.ts). Frames come from RTCRtpScriptTransform (Chromium, Firefox,
// Safari), or, where only Chromium's encoded insertable streams exist, as streams the page hands
// over. Until the page gives it keys, it drops every frame: nothing leaves unencrypted. It keeps the
// current and the previous receiving keys (frames sent before a re-key still open), and one counter
// per key and kind that lives as long as the worker, so a camera turned off and on again under the
// same key never repeats an IV.
import { type FrameKind, open, type OpenKey, ReplayWindow, seal, type SealKey } from "./frame_crypto.ts";
import type { WorkerIn, WorkerStats } from "./worker_messages.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope & { onrtctransform: unknown };
let sending: Record<FrameKind, SealKey> | null = null;
const receiving: Record<FrameKind, OpenKey[]> = { audio: [], video: [] };
const stats: WorkerStats = { sealed: 0, opened: 0, dropped: {} };
const drop = (why: string) => void (stats.dropped[why] = (stats.dropped[why] ?? 0) + 1);

function transform(dir: "send" | "recv", kind: FrameKind) {
  return new TransformStream<RTCEncodedAudioFrame | RTCEncodedVideoFrame>({
    async transform(frame, out) {
      const data = new Uint8Array(frame.data);
      if (dir === "send") {
        const k = sending?.[kind];
        if (!k) return drop("no_key");
        try {
          frame.data = (await seal(k, kind, data)).buffer as ArrayBuffer;
        } catch {
          return drop("spent");
        }
        stats.sealed++;
        return out.enqueue(frame);
      }
      const r = await open(receiving[kind], kind, data);
      if (!r.ok) return drop(r.why);
      stats.opened++;
      frame.data = r.frame.buffer as ArrayBuffer;
      out.enqueue(frame);
    },
  });
}

function pipe(readable: ReadableStream, writable: WritableStream, dir: "send" | "recv", kind: FrameKind) {
  readable.pipeThrough(transform(dir, kind)).pipeTo(writable).catch(() => {/* the sender or receiver closed */});
}

scope.onrtctransform = (
  e: { transformer: { readable: ReadableStream; writable: WritableStream; options: unknown } },
) => {
  const { dir, kind } = e.transformer.options as { dir: "send" | "recv"; kind: FrameKind };
  pipe(e.transformer.readable, e.transformer.writable, dir, kind);
};

scope.onmessage = (e: MessageEvent<WorkerIn>) => {
  const m = e.data;
  if (m.type === "streams") return pipe(m.readable, m.writable, m.dir, m.kind);
  if (m.type === "stats") return scope.postMessage({ type: "stats", stats });
  if (m.type !== "keys") return;
  // Under a key id seen before (1 in 256 re-keys), counting goes on: no IV repeats whatever the key.
  const next = (kind: FrameKind) => (sending?.[kind].keyId === m.keyId ? sending[kind].next : 0);
  sending = {
    audio: { key: m.send.audio, keyId: m.keyId, next: next("audio") },
    video: { key: m.send.video, keyId: m.keyId, next: next("video") },
  };
  for (const kind of ["audio", "video"] as const) {
    const older = receiving[kind].filter((k) => k.keyId !== m.keyId).slice(-1);
    receiving[kind] = [...older, { key: m.recv[kind], keyId: m.keyId, window: new ReplayWindow() }];
  }
};
