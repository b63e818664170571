// The keys of an end-to-end encrypted call, framework-free (the browser and Deno's tests run it).
// Each device has an ECDH P-256 key pair of its own (device_store.ts keeps it, the private half
// non-extractable). Each side of a call, each time it joins the call room, sends its public key and
// a fresh random nonce through the room; from ECDH(own private, other's public) both derive, with
// HKDF over both public keys, both nonces and the call id, four AES-GCM keys (each direction, audio
// and video apart), so every call and every rejoin has new keys, and the room, which sees only
// public values, can derive none of them. The short code both screens show hashes the call id and
// both public keys: a key replaced on the way gives each side a different code.
import type { FrameKind } from "./frame_crypto.ts";

export type Side = "caller" | "callee";

/** One side's public values, as relayed by the call room (raw P-256 point, 16-byte nonce). */
export interface PublicPart {
  pub: Uint8Array;
  nonce: Uint8Array;
}

/** The keys one device uses in one call, from one pair of public parts. */
export interface CallKeys {
  keyId: number;
  send: Record<FrameKind, CryptoKey>;
  recv: Record<FrameKind, CryptoKey>;
  /** 3 groups of 4 digits, the same on both screens when nobody replaced a key. */
  code: string;
}

const enc = new TextEncoder();
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
};
const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));

export const b64u = {
  encode: (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  decode: (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
};

export function newDeviceKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
}

export async function rawPublic(pair: CryptoKeyPair): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
}

/** The short code of a call: SHA-256 over the call id and both public keys, as 3 groups of 4 digits. */
export async function shortCode(callId: string, callerPub: Uint8Array, calleePub: Uint8Array): Promise<string> {
  const h = await sha256(concat(enc.encode(`spazio-e2ee-code/1|${callId}|`), callerPub, calleePub));
  const v = new DataView(h.buffer);
  return [0, 4, 8].map((i) => String(v.getUint32(i) % 10_000).padStart(4, "0")).join(" ");
}

/** A device key's fingerprint (what a contact's known devices are kept by). */
export async function fingerprint(pub: Uint8Array): Promise<string> {
  return b64u.encode((await sha256(concat(enc.encode("spazio-device/1|"), pub))).subarray(0, 16));
}

/**
 * This device's keys for a call. `me` is which side this device is; `own` and `other` the two
 * sides' public parts. Throws on a public key that is not a P-256 point.
 */
export async function deriveCallKeys(
  callId: string,
  me: Side,
  pair: CryptoKeyPair,
  own: PublicPart,
  other: PublicPart,
): Promise<CallKeys> {
  const theirs = await crypto.subtle.importKey(
    "raw",
    other.pub as BufferSource,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const shared = await crypto.subtle.deriveBits({ name: "ECDH", public: theirs }, pair.privateKey, 256);
  const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const [caller, callee] = me === "caller" ? [own, other] : [other, own];
  const context = concat(caller.pub, callee.pub, caller.nonce, callee.nonce);
  const salt = await sha256(enc.encode(`spazio-e2ee-salt/1|${callId}`));
  const key = (label: string) =>
    crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: concat(enc.encode(label), context) },
      ikm,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
  const dir = (from: Side) => ({
    audio: key(`spazio-e2ee/1 ${from} audio|`),
    video: key(`spazio-e2ee/1 ${from} video|`),
  });
  const mine = dir(me);
  const theirsK = dir(me === "caller" ? "callee" : "caller");
  const keyId = (await sha256(concat(enc.encode(callId), caller.nonce, callee.nonce)))[0];
  return {
    keyId,
    send: { audio: await mine.audio, video: await mine.video },
    recv: { audio: await theirsK.audio, video: await theirsK.video },
    code: await shortCode(callId, caller.pub, callee.pub),
  };
}
