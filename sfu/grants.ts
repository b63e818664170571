// The room decides who may speak and who may be here at all; the SFU keeps the latest decision
// per (room, peer) with the time it last heard it. Grants outlive SfuRoom objects and worker
// deaths: a rebuilt room finds them here. One the SFU has not heard in CURRENT_MS is not trusted
// to let a socket in: it is asked of the Space room (the authority) again.
import { spaceGetGrant } from "../lib/protocol/internal_api.ts";
import type { GrantRequest } from "../lib/protocol/sfu.ts";
import { sfuRoomName } from "../lib/protocol/space_http.ts";
import { askPartyRoom } from "./party_request.ts";

/**
 * The room's grant for one peer (GrantRequest without its room and sub: the one grant type of the
 * party and the SFU). `video`: may send a camera; never true without `canSpeak`.
 */
export type Grant = Omit<GrantRequest, "room" | "sub">;
/** A grant as held: `at` is when the room last pushed or answered it (ms since the epoch). */
export type HeldGrant = Grant & { at: number };

/** How long a pushed or pulled grant is good for admitting a new socket without asking again. */
export const CURRENT_MS = 5 * 60_000;

export class GrantTable {
  #byRoom = new Map<string, Map<string, HeldGrant>>();

  get(room: string, sub: string): HeldGrant | undefined {
    return this.#byRoom.get(room)?.get(sub);
  }

  /** The grant if the room spoke of it within CURRENT_MS. */
  current(room: string, sub: string, now = Date.now()): HeldGrant | undefined {
    const g = this.get(room, sub);
    return g && now - g.at <= CURRENT_MS ? g : undefined;
  }

  /**
   * Stores a grant unless a newer one is held; returns whether it was applied. Hearing from the
   * room at all refreshes `at`, even with a stale seq: the newer grant held is still its word.
   */
  apply(room: string, sub: string, grant: Grant, now = Date.now()): boolean {
    let subs = this.#byRoom.get(room);
    const held = subs?.get(sub);
    if (held && grant.seq < held.seq) {
      held.at = Math.max(held.at, now);
      return false;
    }
    if (!subs) this.#byRoom.set(room, subs = new Map());
    const { canSpeak, muted, admitted, seq } = grant;
    // A camera needs the stage too: a room that said video but not canSpeak gets no camera.
    const video = grant.video && canSpeak && admitted;
    subs.set(sub, { canSpeak, muted, admitted, video, seq, at: now });
    return true;
  }

  /** Every grant held for a room. */
  entries(room: string): Iterable<[string, HeldGrant]> {
    return this.#byRoom.get(room)?.entries() ?? [];
  }

  dropRoom(room: string): void {
    this.#byRoom.delete(room);
  }

  /**
   * Forgets grants that are no longer current and belong to nobody connected: they would never
   * admit anyone again (a new socket asks the room), so keeping them only costs memory.
   */
  prune(connected: (room: string, sub: string) => boolean, now = Date.now()): void {
    for (const [room, subs] of this.#byRoom) {
      for (const [sub, g] of subs) if (now - g.at > CURRENT_MS && !connected(room, sub)) subs.delete(sub);
      if (subs.size === 0) this.#byRoom.delete(room);
    }
  }
}

/** Asks the Space's party room for one person's grant. */
export class PartyGrantSource {
  /** Told whether the Space is being recorded, from each answer: an SFU that restarted records again. */
  onRecording?: (room: string, on: boolean) => void;
  /** Told the Space's caption language from each answer, likewise. */
  onCaptions?: (room: string, lang: string | null) => void;

  constructor(readonly partyUrl: string, readonly serverSecret: string, readonly timeoutMs = 2000) {}

  async fetch(spaceId: string, sub: string): Promise<Grant> {
    // Fail closed: without the room's word nobody is let in or put on air.
    const answer = await askPartyRoom(this, spaceGetGrant, { spaceId }, { type: "getGrant", sub }, "the Space room");
    const { canSpeak, muted, admitted, video, seq, recording, captions } = answer;
    if (recording !== undefined) this.onRecording?.(sfuRoomName(spaceId), recording);
    if (captions !== undefined) this.onCaptions?.(sfuRoomName(spaceId), captions);
    return { canSpeak, muted, admitted, video, seq };
  }
}
