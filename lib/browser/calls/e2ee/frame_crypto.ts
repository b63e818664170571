// Frame encryption of an end-to-end encrypted call (AES-GCM, WebCrypto), pure and framework-free:
// the call's worker (worker.ts) runs it on every encoded frame of every sender and receiver, and
// Deno's unit tests run it as it is. A sealed frame is
//   clear codec bytes | AES-GCM(rest of the frame) with its 16-byte tag | counter (u32 BE) | key id (u8)
// The clear bytes are what the SFU and the packetiser read (Opus: the TOC byte; VP8: the 3-byte
// frame tag, and on a keyframe the start code and size after it, 10 bytes in all), so that
// forwarding and keyframe requests keep working; they and the trailer are the GCM's additional
// data, so a change to any of them fails the frame. Each key is used for one direction and one
// kind of media only, and its counter never repeats (the IV is the counter), so an IV never
// repeats under a key. The receiver keeps a window of counters seen per key: a frame seen before,
// or older than the window, is dropped (a replay); frames that come out of order within it pass.

export type FrameKind = "audio" | "video";

export const TAG_BYTES = 16;
export const TRAILER_BYTES = 5;
/** How far behind the newest counter a frame may still come (reordering), per key. */
export const REPLAY_WINDOW = 128;
const MAX_COUNTER = 0xffff_ffff;

/** How many leading bytes of a frame stay in the clear. */
export function clearBytes(kind: FrameKind, frame: Uint8Array): number {
  if (frame.length === 0) return 0;
  if (kind === "audio") return 1;
  // VP8 (RFC 6386 9.1): bit 0 of the first byte is 0 on a keyframe.
  const keyframe = (frame[0] & 1) === 0;
  return Math.min(keyframe ? 10 : 3, frame.length);
}

function iv(counter: number): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(8, counter);
  return out;
}

/** One sending key and the next counter under it. */
export interface SealKey {
  key: CryptoKey;
  keyId: number;
  next: number;
}

/** Encrypts one frame; throws once the key's counters are spent (the call must re-key). */
export async function seal(k: SealKey, kind: FrameKind, frame: Uint8Array): Promise<Uint8Array> {
  if (k.next > MAX_COUNTER) throw new Error("this key's counters are spent");
  const counter = k.next++;
  const n = clearBytes(kind, frame);
  const trailer = new Uint8Array(TRAILER_BYTES);
  new DataView(trailer.buffer).setUint32(0, counter);
  trailer[4] = k.keyId;
  const aad = new Uint8Array(n + TRAILER_BYTES);
  aad.set(frame.subarray(0, n));
  aad.set(trailer, n);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv(counter) as BufferSource, additionalData: aad, tagLength: TAG_BYTES * 8 },
      k.key,
      frame.subarray(n) as BufferSource,
    ),
  );
  const out = new Uint8Array(n + sealed.length + TRAILER_BYTES);
  out.set(frame.subarray(0, n));
  out.set(sealed, n);
  out.set(trailer, n + sealed.length);
  return out;
}

/** Counters seen under one receiving key: the newest, and which of the last REPLAY_WINDOW came. */
export class ReplayWindow {
  #top = -1;
  #seen = new Set<number>();

  /** Whether a frame with this counter may still be opened (not seen, not too old). */
  fresh(counter: number): boolean {
    if (counter > this.#top) return true;
    return counter > this.#top - REPLAY_WINDOW && !this.#seen.has(counter);
  }

  /** Marks a counter seen (after its frame opened). */
  mark(counter: number): void {
    this.#seen.add(counter);
    if (counter > this.#top) {
      this.#top = counter;
      for (const c of this.#seen) if (c <= counter - REPLAY_WINDOW) this.#seen.delete(c);
    }
  }
}

/** A receiving key under its id, with its window. */
export interface OpenKey {
  key: CryptoKey;
  keyId: number;
  window: ReplayWindow;
}

export type OpenResult =
  | { ok: true; frame: Uint8Array }
  | { ok: false; why: "short" | "unknown_key" | "replay" | "auth" };

/** Decrypts one frame with the key its trailer names (of `keys`), checking the replay window. */
export async function open(keys: readonly OpenKey[], kind: FrameKind, data: Uint8Array): Promise<OpenResult> {
  if (data.length < TAG_BYTES + TRAILER_BYTES) return { ok: false, why: "short" };
  const t = data.length - TRAILER_BYTES;
  const counter = new DataView(data.buffer, data.byteOffset + t, 4).getUint32(0);
  const k = keys.find((x) => x.keyId === data[t + 4]);
  if (!k) return { ok: false, why: "unknown_key" };
  if (!k.window.fresh(counter)) return { ok: false, why: "replay" };
  const body = data.subarray(0, t);
  const n = Math.min(clearBytes(kind, body), body.length - TAG_BYTES);
  const aad = new Uint8Array(n + TRAILER_BYTES);
  aad.set(body.subarray(0, n));
  aad.set(data.subarray(t), n);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: iv(counter) as BufferSource, additionalData: aad, tagLength: TAG_BYTES * 8 },
      k.key,
      body.subarray(n) as BufferSource,
    );
  } catch {
    return { ok: false, why: "auth" };
  }
  k.window.mark(counter);
  const out = new Uint8Array(n + plain.byteLength);
  out.set(body.subarray(0, n));
  out.set(new Uint8Array(plain), n);
  return { ok: true, frame: out };
}
