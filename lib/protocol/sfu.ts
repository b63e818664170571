// Messages between a browser (or any client) and the SFU, and the party -> SFU control API.
// The browser's signalling socket (requests, their answers, notifications) is in
// sfu_signalling.ts, re-exported here; the control API's contracts are in internal_api.ts.
import { z } from "zod";
import type { CallRoomRequest } from "./call.ts";

/** SFU room name: `s_<spaceId>` for a Space, `c_<callId>` for a 1:1 call. */
export const SfuRoomName = z.string().regex(/^[sc]_[A-Za-z0-9_-]{1,62}$/);

/** What an SFU room name names: a Space or a call, and its id; undefined for any other name. */
export function parseSfuRoom(name: string): { kind: "space" | "call"; id: string } | undefined {
  if (!SfuRoomName.safeParse(name).success) return undefined;
  return { kind: name[0] === "s" ? "space" : "call", id: name.slice(2) };
}
/** Peer identity, from the token: `u:<userId>` or `a:<anonymous id>`. */
export const PeerSub = z.string().regex(/^(u|a):[A-Za-z0-9_-]{4,64}$/);

export * from "./sfu_signalling.ts";

// ---- Control API (party -> SFU), signed: contracts in internal_api.ts ----

/** `POST /control/grant`: what the Space room decided about one peer. Stale `seq` is ignored. */
export const GrantRequest = z.object({
  room: SfuRoomName.refine((r) => r.startsWith("s_"), "grants apply to Space rooms (s_...)"),
  sub: PeerSub,
  canSpeak: z.boolean(),
  muted: z.boolean(),
  /** May this person be in the Space's media at all; false closes the peer (code `removed`). */
  admitted: z.boolean(),
  /**
   * May this person send a camera: on stage and the Space allows video. False closes their video
   * producers at once (the audio stays).
   */
  video: z.boolean(),
  /** The room's grant counter: increases per room, so a lower one than last applied is stale. */
  seq: z.number().int(),
});
export type GrantRequest = z.infer<typeof GrantRequest>;

/**
 * `POST /control/recording`: the host turned recording on or off. The origin SFU taps the
 * microphone of everyone the room granted audio into the Space's recording folder
 * (recording_files.ts); it also reads `recording` in each getGrant answer, so it heals after its
 * own restart.
 */
export const RecordingRequest = z.object({
  room: SfuRoomName.refine((r) => r.startsWith("s_"), "only Spaces (s_...) are recorded"),
  on: z.boolean(),
});
export type RecordingRequest = z.infer<typeof RecordingRequest>;

/** `POST /control/close`: ends a room's media at once (all peers disconnected). */
export const CloseRoomRequest = z.object({ room: SfuRoomName });
export type CloseRoomRequest = z.infer<typeof CloseRoomRequest>;

/**
 * SFU -> party pull, `POST <party>/parties/space/<spaceId>`, signed: asked before a socket to a
 * Space room is accepted unless a grant was pushed or pulled in the last 5 minutes.
 */
export const GetGrantRequest = z.object({ type: z.literal("getGrant"), sub: PeerSub });
export type GetGrantRequest = z.infer<typeof GetGrantRequest>;
/** The party's answer to `getGrant`; `admitted` is false for removed or blocked people and once the Space ended. */
export const GetGrantResponse = z.object({
  canSpeak: z.boolean(),
  muted: z.boolean(),
  admitted: z.boolean(),
  video: z.boolean(),
  seq: z.number().int(),
  /** The Space has ended (then nobody is admitted): lets the web say "ended", not "removed". */
  ended: z.boolean().optional(),
  /** Once ended: this person had been removed, banned or blocked (the web refuses them clips). */
  removed: z.boolean().optional(),
  /** The Space is being recorded now (an SFU that restarted resumes its taps from this). */
  recording: z.boolean().optional(),
  /** The language the Space is captioned in now, or null (an SFU that restarted captions again). */
  captions: z.string().max(10).nullable().optional(),
});
export type GetGrantResponse = z.infer<typeof GetGrantResponse>;

/**
 * SFU -> party pull for a call room `c_<callId>`: `POST <party>/parties/call/<callId>` with the
 * signed body `{type:"state"}` (lib/protocol/call.ts#CallRoomRequest), at every upgrade. The SFU
 * admits only the caller and the callee, only while the call's status is `accepted`.
 */
export type CallStateRequest = Extract<CallRoomRequest, { type: "state" }>;

/** WebSocket close codes the SFU uses (besides 1009, message too big, and 1011, the SFU failed). */
export const SfuCloseCode = {
  /** The same peer connected again; the older socket is closed. */
  replaced: 4000,
  /** The room was closed by the control API (the Space or the call ended). */
  roomClosed: 4001,
  /** The room removed or blocked this person: their media is gone and they may not come back. */
  removed: 4003,
  /** Too many requests for too long. */
  rateLimited: 4008,
  /** A call room already has its two peers. */
  roomFull: 4009,
  /** Standard code: the SFU is stopping (SIGTERM/SIGINT); the Space goes on, connect again. */
  serviceRestart: 1012,
} as const;
