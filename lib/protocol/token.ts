// Short-lived room tokens and signed server-to-server requests.
// The web server is the only minter of tokens; party rooms and the SFU verify them.
// Web Crypto only, so Deno, workerd and Node 20+ all load this file.
import { z } from "zod";

/** Which kind of room a token opens (`audience`: a Space's audience shard, room `<spaceId>.<n>`). */
export const TokenAudience = z.enum(["space", "call", "user", "sfu", "audience"]);
export type TokenAudience = z.infer<typeof TokenAudience>;

/** What a room token says about its bearer; identity comes from here, never from a message. */
export const RoomTokenClaims = z.object({
  v: z.literal(1),
  aud: TokenAudience,
  /** Room id: a Space id, a call id or a user id (inbox). */
  room: z.string().min(1).max(64),
  /** Subject: `u:<userId>` for an account, `a:<random>` for an anonymous listener. */
  sub: z.string().regex(/^(u|a):[A-Za-z0-9_-]{4,64}$/),
  handle: z.string().max(15).optional(),
  name: z.string().max(50).optional(),
  verified: z.boolean().optional(),
  /** Issued at, seconds since the epoch. */
  iat: z.number().int(),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int(),
  /** Unique id, so a room can refuse a token it has seen before where that matters. */
  jti: z.string().min(8).max(64),
});
export type RoomTokenClaims = z.infer<typeof RoomTokenClaims>;

export class TokenError extends Error {
  constructor(readonly code: "malformed" | "bad_signature" | "expired" | "wrong_room", message: string) {
    super(message);
    this.name = "TokenError";
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replaceAll("-", "+").replaceAll("_", "/") + "===".slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

export function randomId(bytes = 12): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function hmac(secret: string, data: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(data));
  return base64url(new Uint8Array(sig));
}

async function hmacVerify(secret: string, data: string, sig: string): Promise<boolean> {
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64url(sig);
  } catch {
    return false;
  }
  return crypto.subtle.verify("HMAC", await hmacKey(secret), raw, enc.encode(data));
}

export type MintInput = Omit<RoomTokenClaims, "v" | "iat" | "exp" | "jti"> & { ttlSeconds?: number };

/** Signs a token `<payload>.<signature>`, both base64url. Default lifetime: 5 minutes. */
export async function mintRoomToken(secret: string, input: MintInput, now = Date.now()): Promise<string> {
  const { ttlSeconds = 300, ...rest } = input;
  const iat = Math.floor(now / 1000);
  const claims: RoomTokenClaims = RoomTokenClaims.parse({ v: 1, ...rest, iat, exp: iat + ttlSeconds, jti: randomId() });
  const payload = base64url(enc.encode(JSON.stringify(claims)));
  return `${payload}.${await hmac(secret, payload)}`;
}

/** Verifies signature, expiry and that the token was minted for this audience and room. */
export async function verifyRoomToken(
  secret: string,
  token: string,
  expect: { aud: TokenAudience; room?: string },
  now = Date.now(),
): Promise<RoomTokenClaims> {
  if (typeof token !== "string" || token.length > 2048) {
    throw new TokenError("malformed", "token is missing or too long");
  }
  const parts = token.split(".");
  if (parts.length !== 2) throw new TokenError("malformed", "token is not of the form payload.signature");
  const [payload, sig] = parts;
  if (!(await hmacVerify(secret, payload, sig))) throw new TokenError("bad_signature", "token signature is not valid");
  let claims: RoomTokenClaims;
  try {
    claims = RoomTokenClaims.parse(JSON.parse(dec.decode(fromBase64url(payload))));
  } catch {
    throw new TokenError("malformed", "token payload is not valid");
  }
  if (claims.exp * 1000 <= now) throw new TokenError("expired", "token has expired");
  if (claims.aud !== expect.aud || (expect.room !== undefined && claims.room !== expect.room)) {
    throw new TokenError("wrong_room", "token was minted for another room");
  }
  return claims;
}

/** Header names of a signed server-to-server request. */
export const SIGNATURE_HEADER = "x-spazio-signature";
export const TIMESTAMP_HEADER = "x-spazio-timestamp";
/** How far a signed request's timestamp may be from the receiver's clock. */
export const SIGNED_REQUEST_SKEW_MS = 30_000;

/** Signs `timestamp.body` for a server-to-server call (party -> sfu, party -> web). */
export async function signRequest(secret: string, body: string, now = Date.now()): Promise<Record<string, string>> {
  const ts = String(now);
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: await hmac(secret, `${ts}.${body}`) };
}

/** Checks a signed server-to-server call; false when unsigned, forged or stale. */
export async function verifyRequest(
  secret: string,
  body: string,
  headers: { get(name: string): string | null },
  now = Date.now(),
): Promise<boolean> {
  const ts = headers.get(TIMESTAMP_HEADER);
  const sig = headers.get(SIGNATURE_HEADER);
  if (!ts || !sig || !/^\d{10,16}$/.test(ts)) return false;
  if (Math.abs(now - Number(ts)) > SIGNED_REQUEST_SKEW_MS) return false;
  return await hmacVerify(secret, `${ts}.${body}`, sig);
}
