// What the Space room pushes to one SFU reaches every SFU serving the Space: a grant or a close
// that came from the room goes to the Space's origin (unless it is this SFU), and the origin
// passes it to each edge it pipes to, except the one it came from. So the room may push to any
// SFU of the list (today: SPAZIO_SFU_URL), and removals, mutes and revokes hold on every edge.
import { originOf, type RelayedClose, type RelayedGrant, type SfuEntry } from "../lib/protocol/sfu_edge.ts";
import { type GrantRequest, parseSfuRoom } from "../lib/protocol/sfu.ts";
import type { SfuConfig } from "./config.ts";
import type { InternalPost } from "./internal-client.ts";
import type { RequestOf } from "../lib/protocol/contract.ts";
import { relayClose, relayGrant } from "../lib/protocol/internal_api.ts";
import type { OriginLinks } from "./origin-links.ts";

const RETRY_MS = 250;

export class SpaceRelay {
  #config: SfuConfig;
  #links: OriginLinks;
  #post: InternalPost;

  constructor(config: SfuConfig, links: OriginLinks, post: InternalPost) {
    this.#config = config;
    this.#links = links;
    this.#post = post;
  }

  /** The SFU a Space's speakers produce on; undefined with no list (one SFU). */
  originOf(room: string): SfuEntry | undefined {
    const named = parseSfuRoom(room);
    if (named?.kind !== "space") return undefined;
    const id = originOf(named.id, this.#config.peers.map((p) => p.id));
    return this.#config.peers.find((p) => p.id === id);
  }

  isOrigin(room: string): boolean {
    const origin = this.originOf(room);
    return !origin || origin.id === this.#config.sfuId;
  }

  /** A grant applied here; `from` is the SFU that relayed it, absent when the room pushed it. */
  grant(grant: GrantRequest, from?: string): void {
    const body: RelayedGrant = { from: this.#config.sfuId, grant };
    for (const target of this.#targets(grant.room, from)) this.#send(target, relayGrant, body);
  }

  close(room: string, from?: string): void {
    const body: RelayedClose = { from: this.#config.sfuId, room };
    for (const target of this.#targets(room, from)) this.#send(target, relayClose, body);
  }

  #targets(room: string, from: string | undefined): SfuEntry[] {
    const origin = this.originOf(room);
    if (!origin) return [];
    if (origin.id === this.#config.sfuId) return this.#links.edgesOf(room).filter((e) => e.id !== from);
    // Not the origin: what the room said goes to the origin; what another SFU relayed stops here.
    return from === undefined ? [origin] : [];
  }

  #send<C extends typeof relayGrant | typeof relayClose>(target: SfuEntry, contract: C, body: RequestOf<C>): void {
    const path = contract.path();
    const attempt = (left: number): void => {
      void this.#post(target.url, contract, body).then((answer) => {
        if (answer.ok) return;
        // No answer: once more; a refusal will not get better by asking again.
        if (answer.error.code !== "unreachable") {
          console.warn(`sfu: ${target.id} refused ${path} (${answer.error.status})`);
        } else if (left > 0) setTimeout(() => attempt(left - 1), RETRY_MS).unref();
        else console.warn(`sfu: could not pass ${path} on to ${target.id}`);
      });
    };
    attempt(1);
  }
}
