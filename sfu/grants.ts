// The room decides who may speak and who may be here at all; the SFU keeps the latest decision
// per (room, peer) with the time it last heard it. Grants outlive SfuRoom objects and worker
// deaths: a rebuilt room finds them here. One the SFU has not heard in CURRENT_MS is not trusted
// to let a socket in: it is asked of the Space room (the authority) again.
import { GetGrantResponse, type GetGrantRequest } from "../lib/protocol/sfu.ts";
import { signRequest } from "../lib/protocol/token.ts";
import { SfuError } from "./errors.ts";

export type Grant = { canSpeak: boolean; muted: boolean; admitted: boolean; seq: number };
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
    if (!subs) this.#byRoom.set(room, (subs = new Map()));
    const { canSpeak, muted, admitted, seq } = grant;
    subs.set(sub, { canSpeak, muted, admitted, seq, at: now });
    return true;
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
  constructor(readonly partyUrl: string, readonly serverSecret: string, readonly timeoutMs = 2000) {}

  async fetch(spaceId: string, sub: string): Promise<Grant> {
    const body = JSON.stringify({ type: "getGrant", sub } satisfies GetGrantRequest);
    const url = `${this.partyUrl}/parties/space/${encodeURIComponent(spaceId)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await signRequest(this.serverSecret, body)) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      // Fail closed: without the room's word nobody is let in or put on air.
      throw new SfuError("unavailable", "the Space room could not be reached to check this person's grant");
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      // 404: the room does not know this Space, so nobody may be in its media.
      throw new SfuError(res.status === 404 ? "forbidden" : "unavailable", `the Space room refused the grant check (${res.status})`);
    }
    const parsed = GetGrantResponse.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new SfuError("unavailable", "the Space room's grant answer was not valid");
    return parsed.data;
  }
}
