// The web's side of the inbox rooms: tokens for a person's own inbox, and signed deliveries of
// events to every open tab of a person. Deliveries are best effort: the store already holds what
// happened, so a tab that missed an event sees it on its next load.
import type { Config } from "../config.ts";
import type { InboxEvent, PeerInfo } from "../../protocol/dm.ts";
import { mintRoomToken } from "../../protocol/token.ts";
import { inboxDeliver } from "../../protocol/internal_api.ts";
import { callSigned } from "../../protocol/signed_client.ts";
import type { User } from "../kv/users.ts";

const TIMEOUT_MS = 3_000;

export function peerInfo(u: User): PeerInfo {
  return { id: u.id, handle: u.handle, name: u.displayName, verified: u.verified };
}

/** A token that opens `user`'s own inbox room and nobody else's. */
export function inboxToken(config: Config, user: User): Promise<string> {
  return mintRoomToken(config.roomSecret, {
    aud: "user",
    room: user.id,
    sub: `u:${user.id}`,
    handle: user.handle,
    name: user.displayName,
  });
}

/** The WebSocket base URL browsers use for party rooms (its public address, not the web's route to it). */
export function partyWsUrl(config: Config): string {
  return config.partyPublicUrl.replace(/^http/, "ws").replace(/\/+$/, "");
}

/** The SFU's signalling WebSocket as browsers reach it. */
export function sfuWsUrl(config: Config): string {
  return `${config.sfuPublicUrl.replace(/^http/, "ws").replace(/\/+$/, "")}/ws`;
}

/**
 * Sends events to every open tab of a person. Resolves to how many tabs got them, or -1 when the
 * inbox room could not be reached (logged, never thrown: the caller's action already happened).
 */
export async function deliver(config: Config, userId: string, events: InboxEvent[]): Promise<number> {
  const res = await callSigned(inboxDeliver, {
    secret: config.serverSecret,
    to: config.partyUrl,
    params: { userId },
    body: { type: "deliver", events },
    timeoutMs: TIMEOUT_MS,
  });
  if (res.ok) return res.data.delivered;
  const { status, code, message } = res.error;
  if (code === "unreachable" || code === "invalid_request") {
    console.warn(`inbox ${userId}: delivery failed: ${message}`);
  } else if (code === "bad_answer") return 0; // it was delivered; the room's count was not readable
  else console.warn(`inbox ${userId}: delivery refused with ${status}: ${res.error.refusal?.message ?? ""}`);
  return -1;
}
