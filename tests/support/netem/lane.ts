// A lane: the two links (netem/link.ts) a set of flows is shaped by, and its outage. The relay
// has two: the shaped one every new flow joins, and a clean one for flows left unshaped.
import { Link, type Profile } from "./link.ts";

/** What an outage cuts: everything (the path is down) or only UDP (a network that blocks it). */
export type OutageKind = "all" | "udp";

export class Lane {
  readonly up: Link;
  readonly down: Link;
  outage: OutageKind | null = null;
  #waiters: (() => void)[] = [];
  constructor(public profile: Profile, seed: number) {
    this.up = new Link(profile.up, seed);
    this.down = new Link(profile.down, seed + 1);
  }
  set(profile: Profile) {
    this.profile = profile;
    this.up.set(profile.up);
    this.down.set(profile.down);
  }
  blocks(proto: "udp" | "tcp"): boolean {
    return this.outage === "all" || (this.outage === "udp" && proto === "udp");
  }
  /** Resolves when TCP may flow again. */
  open(): Promise<void> {
    return this.outage === "all" ? new Promise((r) => this.#waiters.push(r)) : Promise.resolve();
  }
  restore() {
    this.outage = null;
    for (const w of this.#waiters.splice(0)) w();
  }
}
