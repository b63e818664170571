// CallE2ee: the end-to-end encryption of one call on this device, framework-free, as signals. It
// sends this device's public key part through the call room (call_client.ts), derives the call's
// keys when the other side's arrives (again whenever the other device rejoins, which brings a new
// nonce: a new key), hands them to the call's worker (worker.ts), and attaches that worker to every
// sender and receiver of the call's media (sfu_session.ts calls `frames`). The worker drops every
// frame until it has keys, so nothing is ever sent or played unencrypted. It also says whether the
// other device is one seen before with this person (device_store.ts), and keeps their mark of it.
import { signal } from "@preact/signals";
import type { CallClient } from "../call_client.ts";
import type { FrameHooks } from "../../media/sfu_session.ts";
import type { FrameKind } from "./frame_crypto.ts";
import { b64u, deriveCallKeys, fingerprint, type PublicPart, rawPublic, type Side } from "./keys.ts";
import { deviceKey, knownDevices, rememberDevice } from "./device_store.ts";
import type { WorkerIn, WorkerStats } from "./worker_messages.ts";
import { plainOkHere } from "./plain_setting.ts";

/**
 * `checking`: not known yet; `unsupported`: this browser cannot encrypt a call's frames;
 * `peer_unsupported`: the other side's cannot; `waiting`: keys not agreed yet; `encrypted`.
 */
export type E2eeState = "checking" | "unsupported" | "peer_unsupported" | "waiting" | "encrypted" | "failed";

/** Where the worker is served (routes/e2ee-worker.js.ts). */
export const E2EE_WORKER_URL = "/e2ee-worker.js";

type ScriptTransformCtor = new (worker: Worker, options: unknown) => unknown;
const scriptTransform = () =>
  (globalThis as unknown as { RTCRtpScriptTransform?: ScriptTransformCtor }).RTCRtpScriptTransform;

/**
 * How this browser lets script see encoded frames: Chromium's encoded streams where they exist
 * (the peer connection made with `encodedInsertableStreams`, which holds every frame until the
 * page takes its streams: nothing can pass untransformed), else RTCRtpScriptTransform (Firefox,
 * Safari). Chromium 156 has both, but a receiver's script transform set after mediasoup-client's
 * negotiation saw no frames there (they reached the decoder as they came), hence this order.
 */
export function frameApi(): "script" | "streams" | null {
  if (typeof RTCRtpSender !== "undefined" && "createEncodedStreams" in RTCRtpSender.prototype) return "streams";
  if (scriptTransform()) return "script";
  return null;
}

export class CallE2ee {
  readonly state = signal<E2eeState>("checking");
  /** The short code both screens show (3 groups of 4 digits). */
  readonly code = signal<string | null>(null);
  /** The other device was marked verified on this device before (or just now). */
  readonly verified = signal(false);
  /** This person had other devices known here, and this one is not one of them. */
  readonly keyChanged = signal(false);
  /** The call cannot be encrypted, and the callee takes unencrypted calls: both may choose to go on. */
  readonly plainOffered = signal(false);
  /** This side chose to go on unencrypted. */
  readonly plainChosen = signal(false);
  /** Both sides chose it: the media goes without encryption (and the lock says so). */
  readonly plainAgreed = signal(false);
  #sent: Parameters<CallClient["setKey"]>[0] | null = null;
  readonly #api = frameApi();
  #worker: Worker | null = null;
  #pair: CryptoKeyPair | null = null;
  #own: PublicPart | null = null;
  #peerFp: string | null = null;
  #lastPeer = "";
  #stop: (() => void) | null = null;
  #closed = false;

  constructor(readonly client: CallClient, readonly callId: string, readonly me: Side, readonly peerId: string) {}

  /** Sends this device's part; follows the other side's. */
  async start(): Promise<void> {
    this.#stop = this.client.peerKey.subscribe((k) => {
      if (!k) return;
      this.#plainCheck();
      void this.#onPeerKey(k).catch((e) => {
        console.error("the call's keys could not be derived:", e);
        this.state.value = "failed";
      });
    });
    if (!this.#api || typeof indexedDB === "undefined") {
      this.state.value = "unsupported";
      this.#setKey({ e2ee: false });
      return this.#plainCheck();
    }
    try {
      this.#worker = new Worker(E2EE_WORKER_URL, { type: "module", name: "spazio-e2ee" });
      // A worker that cannot load encrypts nothing, and so lets nothing through: say so.
      this.#worker.addEventListener("error", () => {
        console.error("the call's encryption worker failed to load");
        this.state.value = "failed";
      });
      this.#pair = await deviceKey();
      this.#own = { pub: await rawPublic(this.#pair), nonce: crypto.getRandomValues(new Uint8Array(16)) };
    } catch (e) {
      console.error("end-to-end encryption could not start:", e);
      this.state.value = "failed";
      return;
    }
    if (this.#closed) return;
    if (this.state.peek() === "checking") this.state.value = "waiting";
    this.#setKey({ e2ee: true, pub: b64u.encode(this.#own.pub), nonce: b64u.encode(this.#own.nonce) });
    const k = this.client.peerKey.peek();
    if (k) void this.#onPeerKey(k).catch(() => (this.state.value = "failed"));
  }

  #setKey(parts: { e2ee: boolean; pub?: string; nonce?: string }) {
    this.#sent = { ...parts, plainOk: plainOkHere(), ...(this.plainChosen.peek() && { plain: true }) };
    this.client.setKey(this.#sent);
  }

  /** Whether an unencrypted call is on offer, and whether both took it. */
  #plainCheck() {
    const state = this.state.peek();
    const peer = this.client.peerKey.peek();
    const cannot = state === "unsupported" || state === "peer_unsupported";
    const calleeOk = this.me === "callee" ? plainOkHere() : peer?.plainOk === true;
    this.plainOffered.value = cannot && calleeOk;
    this.plainAgreed.value = this.plainOffered.value && this.plainChosen.peek() && peer?.plain === true;
  }

  /** The person chose to go on without encryption (offered only when it cannot be encrypted). */
  goPlain() {
    if (!this.plainOffered.peek()) return;
    this.plainChosen.value = true;
    if (this.#sent) this.client.setKey({ ...this.#sent, plain: true });
    this.#plainCheck();
  }

  async #onPeerKey(k: NonNullable<CallClient["peerKey"]["value"]>) {
    if (!k.e2ee || !k.pub || !k.nonce) {
      if (this.state.peek() !== "unsupported") this.state.value = "peer_unsupported";
      return this.#plainCheck();
    }
    if (this.#closed || !this.#pair || !this.#own) return;
    const id = `${k.pub}.${k.nonce}`;
    if (id === this.#lastPeer) return;
    this.#lastPeer = id;
    const other = { pub: b64u.decode(k.pub), nonce: b64u.decode(k.nonce) };
    const keys = await deriveCallKeys(this.callId, this.me, this.#pair, this.#own, other);
    if (this.#closed || id !== this.#lastPeer) return;
    this.#worker!.postMessage({ type: "keys", keyId: keys.keyId, send: keys.send, recv: keys.recv } satisfies WorkerIn);
    const fp = await fingerprint(other.pub);
    if (fp !== this.#peerFp) {
      this.#peerFp = fp;
      const known = await knownDevices(this.peerId);
      this.keyChanged.value = Object.keys(known.devices).length > 0 && !(fp in known.devices);
      this.verified.value = known.devices[fp] === true;
      await rememberDevice(this.peerId, fp, false);
    }
    this.code.value = keys.code;
    this.state.value = "encrypted";
  }

  /** The person compared the code with the other: this device of theirs is verified here. */
  async markVerified(): Promise<void> {
    if (!this.#peerFp) return;
    await rememberDevice(this.peerId, this.#peerFp, true);
    this.verified.value = true;
    this.keyChanged.value = false;
  }

  /** What the media session attaches to each sender and receiver (null: this browser cannot). */
  get frames(): FrameHooks | null {
    if (!this.#api || !this.#worker) return null;
    const worker = this.#worker;
    const api = this.#api;
    const attach = (end: RTCRtpSender | RTCRtpReceiver, dir: "send" | "recv", kind: FrameKind) => {
      if (api === "script") {
        const T = scriptTransform()!;
        (end as unknown as { transform: unknown }).transform = new T(worker, { dir, kind });
        return;
      }
      let streams: { readable: ReadableStream; writable: WritableStream };
      try {
        streams = (end as unknown as {
          createEncodedStreams(): { readable: ReadableStream; writable: WritableStream };
        }).createEncodedStreams();
      } catch (e) {
        // A sender or receiver used again keeps the worker's streams it was given the first time.
        return console.warn("encoded streams:", e);
      }
      const { readable, writable } = streams;
      worker.postMessage({ type: "streams", dir, kind, readable, writable } satisfies WorkerIn, [
        readable as unknown as Transferable,
        writable as unknown as Transferable,
      ]);
    };
    return {
      transportSettings: api === "streams" ? { encodedInsertableStreams: true } : undefined,
      sender: (s, kind) => attach(s, "send", kind),
      receiver: (r, kind) => attach(r, "recv", kind),
    };
  }

  /** The worker's counts (frames sealed, opened, dropped by reason), for tests and the bench. */
  stats(): Promise<WorkerStats | null> {
    const w = this.#worker;
    if (!w) return Promise.resolve(null);
    return new Promise((resolve) => {
      const on = (e: MessageEvent) => {
        if (e.data?.type !== "stats") return;
        w.removeEventListener("message", on);
        resolve(e.data.stats);
      };
      w.addEventListener("message", on);
      w.postMessage({ type: "stats" } satisfies WorkerIn);
    });
  }

  close() {
    this.#closed = true;
    this.#stop?.();
    // A moment later: the media session closes its senders first.
    const w = this.#worker;
    setTimeout(() => w?.terminate(), 1_000);
  }
}
