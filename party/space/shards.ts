// The Space room's side of its audience shards (party/audience/room.ts): which shards it has and what
// each last reported (count and faces, in storage, so a woken room still sums them), and the
// deltas on their way to each shard, sent in order, one request in flight per shard, batched while
// one is out. The room sends each delta once per shard; the shard fans it out.
import { LISTENER_SAMPLE, type Person, type SpaceEvent } from "../../lib/protocol/space.ts";
import { MAX_SHARDS, type RoomToShard, type ShardDelivery } from "../../lib/protocol/space_audience.ts";
import { roomToShard } from "../../lib/protocol/internal_api.ts";
import type { PartyConfig } from "../shared/config.ts";
import { postSigned } from "../shared/post.ts";
import type { RoomStorage } from "./store.ts";

/** What a shard last reported. */
export interface ShardReport {
  count: number;
  listeners: Person[];
  /** Of them, how many say their audio is reconnecting. */
  reconnecting?: number;
}

/** Most deltas in one request to a shard (the protocol allows 5,000). */
const BATCH = 1_000;

export class AudienceShards {
  readonly #known = new Map<number, ShardReport>();
  readonly #outbox = new Map<number, ShardDelivery[]>();
  readonly #sending = new Set<number>();
  #seq = 0;

  constructor(
    readonly config: PartyConfig,
    readonly storage: RoomStorage,
    readonly idOf: () => string,
  ) {}

  get enabled(): boolean {
    return this.config.shardSize > 0;
  }

  async load(): Promise<void> {
    for (const [key, report] of await this.storage.list<ShardReport>({ prefix: "shard:" })) {
      this.#known.set(Number(key.slice(6)), report);
    }
  }

  /** Listeners on every shard, as last reported. */
  get total(): number {
    let n = 0;
    for (const r of this.#known.values()) n += r.count;
    return n;
  }

  /** Listeners on every shard whose audio is reconnecting, as last reported. */
  get reconnecting(): number {
    let n = 0;
    for (const r of this.#known.values()) n += r.reconnecting ?? 0;
    return n;
  }

  /** Signed-in listeners' faces from the shards, up to `max`, none twice and none in `skip`. */
  faces(max: number, skip: Set<string>): Person[] {
    const out: Person[] = [];
    for (const r of this.#known.values()) {
      for (const p of r.listeners) {
        if (out.length >= Math.min(max, LISTENER_SAMPLE)) return out;
        if (skip.has(p.sub)) continue;
        skip.add(p.sub);
        out.push(p);
      }
    }
    return out;
  }

  /**
   * The shard a new listener goes to: the first whose last report is under the cap. Reports come
   * every 250 ms, so a burst of joins can pass the cap by what joins in that time.
   */
  pick(): number | undefined {
    if (!this.enabled) return undefined;
    for (let n = 0; n < MAX_SHARDS; n++) {
      const r = this.#known.get(n);
      if (!r || r.count < this.config.shardSize) return n;
    }
    return MAX_SHARDS - 1;
  }

  /** The seq of the last delta queued: a shard's welcome includes everything up to it. */
  get seq(): number {
    return this.#seq;
  }

  /** A shard said hello: from now on every delta goes to it too. */
  register(n: number): void {
    if (this.#known.has(n)) return;
    this.#known.set(n, { count: 0, listeners: [] });
    this.#store(n);
  }

  /** A shard's report; false when it had not said hello (then nothing is counted). */
  report(n: number, report: ShardReport): boolean {
    if (!this.#known.has(n)) return false;
    this.#known.set(n, report);
    this.#store(n);
    return true;
  }

  #store(n: number) {
    this.storage.put(`shard:${n}`, this.#known.get(n)).catch((err) =>
      console.error(`space room ${this.idOf()}: shard ${n} not stored: ${err}`)
    );
  }

  /** Queues one delta for every shard: `to` is "all" or one person's sub. */
  send(to: "all" | string, event: SpaceEvent): void {
    if (!this.#known.size) return;
    // Time-based, so that a room object started again later still counts up.
    this.#seq = Math.max(Date.now() * 1_000, this.#seq + 1);
    for (const n of this.#known.keys()) {
      let box = this.#outbox.get(n);
      if (!box) this.#outbox.set(n, box = []);
      box.push({ seq: this.#seq, to, event });
      void this.#flush(n);
    }
  }

  async #flush(n: number): Promise<void> {
    if (this.#sending.has(n)) return;
    this.#sending.add(n);
    try {
      for (;;) {
        const box = this.#outbox.get(n);
        if (!box?.length) return;
        const deliveries = box.splice(0, BATCH);
        const body: RoomToShard = { type: "deliver", deliveries };
        await postSigned(this.config.serverSecret, roomToShard, this.config.partyUrl, {
          spaceId: this.idOf(),
          shard: n,
        }, body);
      }
    } finally {
      this.#sending.delete(n);
    }
  }
}
