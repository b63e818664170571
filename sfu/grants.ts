// The room decides who may speak; the SFU keeps the latest decision per (room, peer). Grants
// outlive SfuRoom objects and worker deaths: a rebuilt room finds them here, and a missing one is
// asked of the Space room (the authority) rather than assumed.
import { GetGrantResponse, type GetGrantRequest } from "../lib/protocol/sfu.ts";
import { signRequest } from "../lib/protocol/token.ts";
import { SfuError } from "./errors.ts";

export type Grant = { canSpeak: boolean; muted: boolean; seq: number };

export class GrantTable {
  #byRoom = new Map<string, Map<string, Grant>>();

  get(room: string, sub: string): Grant | undefined {
    return this.#byRoom.get(room)?.get(sub);
  }

  /** Stores a grant unless an applied one is newer; returns whether it was applied. */
  apply(room: string, sub: string, grant: Grant): boolean {
    let subs = this.#byRoom.get(room);
    const current = subs?.get(sub);
    if (current && grant.seq < current.seq) return false;
    if (!subs) this.#byRoom.set(room, (subs = new Map()));
    subs.set(sub, { ...grant });
    return true;
  }

  dropRoom(room: string): void {
    this.#byRoom.delete(room);
  }
}

/** Asks the Space's party room for a grant the SFU does not hold. */
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
      // Fail closed: without the room's word nobody is put on air.
      throw new SfuError("unavailable", "the Space room could not be reached to check the speaking grant");
    }
    if (!res.ok) {
      throw new SfuError(res.status === 404 ? "forbidden" : "unavailable", `the Space room refused the grant check (${res.status})`);
    }
    const parsed = GetGrantResponse.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new SfuError("unavailable", "the Space room's grant answer was not valid");
    return parsed.data;
  }
}
