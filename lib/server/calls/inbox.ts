// The web's side of the inbox rooms: tokens for a person's own inbox, and signed deliveries of
// events to every open tab of a person. Deliveries are best effort: the store already holds what
// happened, so a tab that missed an event sees it on its next load.
import type { Config } from "../config.ts";
import type { InboxEvent, PeerInfo } from "../../protocol/dm.ts";
import { mintRoomToken, signRequest } from "../../protocol/token.ts";
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
  const body = JSON.stringify({ type: "deliver", events });
  try {
    const res = await fetch(`${config.partyUrl.replace(/\/+$/, "")}/parties/user/${encodeURIComponent(userId)}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await signRequest(config.serverSecret, body)) },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      console.warn(`inbox ${userId}: delivery refused with ${res.status}: ${json?.message ?? ""}`);
      return -1;
    }
    return typeof json?.delivered === "number" ? json.delivered : 0;
  } catch (err) {
    console.warn(`inbox ${userId}: delivery failed: ${err}`);
    return -1;
  }
}
