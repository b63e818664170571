// The call room (`/parties/call/<callId>`): one 1:1 call's state machine, and the messages around
// it. Browser <-> room over a WebSocket opened with a token (aud "call", room = callId) that the
// web mints only for the caller and the callee; web -> room and room -> web are signed POSTs.
//   ringing -> accepted -> ended
//   ringing -> declined | cancelled | missed (no answer in time) | busy
// Imports nothing runtime-specific, so Deno, workerd and the browser all load it.
import { z } from "zod";

/** A call id as the web makes them (randomId: base64url). Also names the SFU room `c_<callId>`. */
export const CallId = z.string().regex(/^[A-Za-z0-9_-]{10,40}$/);

export const CallStatus = z.enum(["ringing", "accepted", "declined", "cancelled", "missed", "busy", "ended"]);
export type CallStatus = z.infer<typeof CallStatus>;

/** States a call never leaves. */
export const FINAL_STATUSES: readonly CallStatus[] = ["declined", "cancelled", "missed", "busy", "ended"];
export const isFinal = (s: CallStatus) => FINAL_STATUSES.includes(s);

/** No answer within this long is a missed call. */
export const RING_MS = 30_000;

/** One of the two people, as the web names them. */
export const CallPerson = z.object({
  sub: z.string().regex(/^u:[A-Za-z0-9_-]{4,64}$/),
  handle: z.string().max(15),
  name: z.string().max(50),
});
export type CallPerson = z.infer<typeof CallPerson>;

export const CallRole = z.enum(["caller", "callee"]);
export type CallRole = z.infer<typeof CallRole>;

/** The call as both people see it. Times are ms since the epoch. */
export const CallView = z.object({
  callId: CallId,
  caller: CallPerson,
  callee: CallPerson,
  video: z.boolean(),
  status: CallStatus,
  createdAt: z.number().int(),
  ringUntil: z.number().int(),
  acceptedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  /** Who ended it: a person, `timeout` (no answer, or a side gone too long) or `server` (web ended it). */
  endedBy: z.enum(["caller", "callee", "timeout", "server"]).nullable(),
});
export type CallView = z.infer<typeof CallView>;

/** Seconds between accept and end (0 if never answered). */
export function callDurationS(v: Pick<CallView, "acceptedAt" | "endedAt">, now = Date.now()): number {
  if (v.acceptedAt === null) return 0;
  return Math.max(0, Math.round(((v.endedAt ?? now) - v.acceptedAt) / 1000));
}

const Ref = z.string().max(64).optional();

/** A device's public part of a call's keys (lib/browser/calls/e2ee/keys.ts): only public values. */
const KeyParts = {
  e2ee: z.boolean(),
  /** A raw P-256 public key (65 bytes), base64url. */
  pub: z.string().regex(/^[A-Za-z0-9_-]{87}$/).optional(),
  /** 16 random bytes, base64url. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/).optional(),
  /** This person takes an unencrypted call when a browser cannot encrypt (the callee's counts). */
  plainOk: z.boolean().optional(),
  /** This person chose to go on without encryption (media flows plain only when both did). */
  plain: z.boolean().optional(),
};
export const CallKey = z.object({ from: CallRole, ...KeyParts });
export type CallKey = z.infer<typeof CallKey>;

/** What a browser may send. Identity comes from the token; a message naming anyone is malformed. */
export const CallCommand = z.discriminatedUnion("type", [
  /** The callee answers (on this device). */
  z.object({ type: z.literal("accept"), ref: Ref }).strict(),
  /** The callee refuses. */
  z.object({ type: z.literal("decline"), ref: Ref }).strict(),
  /** The callee's device is already in a call: answers busy on its own. */
  z.object({ type: z.literal("busy"), ref: Ref }).strict(),
  /** The caller gives up before an answer. */
  z.object({ type: z.literal("cancel"), ref: Ref }).strict(),
  /** Either person ends an answered call. */
  z.object({ type: z.literal("hangup"), ref: Ref }).strict(),
  /**
   * End-to-end encryption: this device's public key and a fresh nonce (each time it joins), or
   * `e2ee: false` when its browser cannot encrypt frames. The room relays it to the other side.
   */
  z.object({ type: z.literal("key"), ...KeyParts, ref: Ref }).strict(),
]);
export type CallCommand = z.infer<typeof CallCommand>;
/** The commands of the call's state machine (a key is relayed, never a change of state). */
export type CallStateCommand = Exclude<CallCommand, { type: "key" }>;

export const CallErrorCode = z.enum(["bad_message", "not_allowed", "wrong_state", "rate_limited"]);
export type CallErrorCode = z.infer<typeof CallErrorCode>;

/** Everything the room sends to a browser. */
export const CallEvent = z.discriminatedUnion("type", [
  /** On connect: the call, who you are in it, and whether this connection is the one that answered. */
  z.object({ type: z.literal("sync"), call: CallView, you: CallRole, answeredHere: z.boolean() }),
  /** The status changed. `answeredHere` is for the callee's connections after an accept. */
  z.object({ type: z.literal("status"), call: CallView, answeredHere: z.boolean() }),
  z.object({ type: z.literal("error"), code: CallErrorCode, message: z.string().max(300), ref: Ref }),
  /** The other side's public key part (relayed as sent, and again to each connection that joins). */
  z.object({ type: z.literal("key"), key: CallKey }),
]);
export type CallEvent = z.infer<typeof CallEvent>;

/** Signed POSTs from the web to `/parties/call/<callId>`. */
export const CallRoomRequest = z.discriminatedUnion("type", [
  /** Creates the call, ringing (or busy at once when the web found the callee in another call). */
  z.object({
    type: z.literal("init"),
    callId: CallId,
    caller: CallPerson,
    callee: CallPerson,
    video: z.boolean(),
    ringMs: z.number().int().min(1_000).max(60_000).default(RING_MS),
    busy: z.boolean().default(false),
  }).strict(),
  /** The web ends the call (a block, an account change): final at once. */
  z.object({ type: z.literal("end") }).strict(),
  /** The web asks for the current state (before minting media tokens). */
  z.object({ type: z.literal("state") }).strict(),
]);
export type CallRoomRequest = z.infer<typeof CallRoomRequest>;

/** Signed POST from the room to the web, `/api/internal/calls/<callId>`, on every status change. */
export const CallReport = z.object({ type: z.literal("callChanged"), call: CallView });
export type CallReport = z.infer<typeof CallReport>;

/** Close codes of the call room besides the standard ones (1009: message too big). */
export const CALL_CLOSE = {
  /** The call is over; the last `status` or `sync` says how. */
  ended: 4000,
  unauthorized: 4001,
  /** The token's person is not one of the two. */
  notParty: 4003,
  notFound: 4004,
  flood: 4008,
  tooManyConnections: 4029,
} as const;
