// Who is connected to a Space room right now, and whether one more connection may come in.
// Kept in memory only: connections do not survive a restart, so neither does presence.
import { PersonalLimits } from "./limits.ts";

/** Most connections one person may hold open to one Space (a few tabs and devices). */
export const MAX_CONNECTIONS_PER_PERSON = 5;
/**
 * Most connections from one network address (on Cloudflare, `cf-connecting-ip`). High, because a
 * whole office or campus can share one address; it only stops one machine swamping a room.
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 200;

export class Presence {
  /** sub -> ids of that person's open connections. */
  readonly #bySub = new Map<string, Set<string>>();
  /** connection id -> sub, the reverse of #bySub. */
  readonly #subOf = new Map<string, string>();
  readonly #byAddress = new Map<string, number>();
  /** Rate limits that hold per person (and per address) across their connections. */
  readonly limits = new PersonalLimits();

  /** Why this connection may not come in, or undefined to let it in. */
  refusal(sub: string, address: string | null, now = Date.now()): string | undefined {
    if ((this.#bySub.get(sub)?.size ?? 0) >= MAX_CONNECTIONS_PER_PERSON) {
      return "Too many open connections: close another tab first.";
    }
    if (address && (this.#byAddress.get(address) ?? 0) >= MAX_CONNECTIONS_PER_ADDRESS) {
      return "Too many connections from your network: try again later.";
    }
    if (!this.limits.take(sub, "connect", now)) return "Connecting too often: wait a few seconds.";
    if (address && !this.limits.take(`addr:${address}`, "connectAddress", now)) {
      return "Too many new connections from your network: wait a few seconds.";
    }
    return undefined;
  }

  /** Records a connection; true when it is the person's first (they just arrived). */
  add(sub: string, connId: string, address: string | null): boolean {
    if (this.#subOf.has(connId)) return false;
    this.#subOf.set(connId, sub);
    if (address) this.#byAddress.set(address, (this.#byAddress.get(address) ?? 0) + 1);
    const open = this.#bySub.get(sub);
    if (open) {
      open.add(connId);
      return false;
    }
    this.#bySub.set(sub, new Set([connId]));
    return true;
  }

  /** Forgets a connection; true when it was the person's last (they just left). */
  remove(sub: string, connId: string, address: string | null): boolean {
    const open = this.#bySub.get(sub);
    if (!open?.delete(connId)) return false;
    this.#subOf.delete(connId);
    if (address) {
      const n = (this.#byAddress.get(address) ?? 1) - 1;
      if (n > 0) this.#byAddress.set(address, n);
      else this.#byAddress.delete(address);
    }
    if (open.size > 0) return false;
    this.#bySub.delete(sub);
    return true;
  }

  /** Whether this connection is counted (it may not be, after the room woke from hibernation). */
  knows(connId: string): boolean {
    return this.#subOf.has(connId);
  }

  has(sub: string): boolean {
    return this.#bySub.has(sub);
  }

  connectionsOf(sub: string): Iterable<string> {
    return this.#bySub.get(sub) ?? [];
  }

  /** People connected who are not on stage. */
  listeners(stage: { sub: string }[]): number {
    let onStage = 0;
    for (const m of stage) if (this.#bySub.has(m.sub)) onStage++;
    return this.#bySub.size - onStage;
  }
}
