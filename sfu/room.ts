// One SFU room (`s_<spaceId>` or `c_<callId>`): its routers, its peers, and the enforcement of
// what the Space room decided. Routers are made on first need and rebuilt after a worker death.
// Longer than 300 lines on purpose: routers, peers and the grant enforcement share one room's
// state; the peer, the recorder and the pipes already live apart.
import type { RoomHealth } from "../lib/protocol/sfu_health.ts";
import type { Admission } from "./admission.ts";
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import { parseSfuRoom, SfuCloseCode } from "../lib/protocol/sfu.ts";
import type { SfuConfig } from "./config.ts";
import { ForbiddenError, SfuError } from "./errors.ts";
import type { Grant, GrantTable, PartyGrantSource } from "./grants.ts";
import type { SfuPeer } from "./peer.ts";
import { RouterSlot } from "./router-slot.ts";
import type { WorkerPool } from "./worker-pool.ts";
import { SpeakingTracker } from "./speaking.ts";

/**
 * An edge room's link to its Space's origin SFU (edge.ts): it brings the origin's producers in as
 * pipe producers (remoteProducerAdded and the like). Absent on the origin and in calls.
 */
export interface Upstream {
  /** Resolves once the pipe is open and the origin's producers are in this room. */
  ready(): Promise<void>;
  /** Whether the pipe is open now, for health. */
  readonly open: boolean;
  close(): void;
}

export type RoomDeps = {
  config: SfuConfig;
  pool: WorkerPool;
  grants: GrantTable;
  party: PartyGrantSource;
  /** Where a call is, asked of its room (admission.ts); required for call rooms. */
  calls?: Pick<Admission, "callState">;
  /** Made for an edge room only, once the room exists. */
  upstream?: (room: SfuRoom) => Upstream;
};

/** What happened to a producer of an origin room, for the edges it feeds (origin-links.ts). */
export type ProducerEvent =
  | { type: "added"; producer: ms.Producer; sub: string; pausedBy?: "server" | "self" }
  | { type: "closed"; producerId: string }
  | { type: "paused"; producerId: string; by: "server" | "self" }
  | { type: "resumed"; producerId: string };

/** Two people, and nobody else, in a 1:1 call. */
export const CALL_MAX_PEERS = 2;

/**
 * `empty`: the last peer left (the server then closes the room unless edges still draw on it);
 * `closed`: once, on close(); `producer`: a local producer changed (origin rooms feed edges);
 * `speaking`: who is speaking now changed (the recording writes it down).
 */
export type SfuRoomEvents = { empty: []; closed: []; producer: [ProducerEvent]; speaking: [string[]] };

export type { RoomHealth };

/** How peers are told the room closed: the control API's close, unless the SFU itself is stopping. */
const ROOM_CLOSED = { code: SfuCloseCode.roomClosed, reason: "room closed" };

export class SfuRoom extends EventEmitter<SfuRoomEvents> {
  readonly name: string;
  readonly kind: "space" | "call";
  /** The Space or call id the room name carries. */
  readonly id: string;
  #deps: RoomDeps;
  #peers = new Map<string, SfuPeer>();
  #primary: Promise<RouterSlot> | null = null;
  // Overflow routers are only made inside the placement lock, so they are kept resolved.
  #overflow: RouterSlot[] = [];
  #speaking: SpeakingTracker;
  #speakingNow: string[] = [];
  #placing: Promise<unknown> = Promise.resolve();
  // Worker deaths being handled, and the peers asked to reconnect that have not rebuilt yet.
  #recovering = 0;
  #rebuilding = new Set<SfuPeer>();
  // On an edge: the origin's producers, piped in, by id (the same id as on the origin).
  #remote = new Map<string, { producer: ms.Producer; sub: string }>();
  #upstream: Upstream | null = null;
  #closed = false;
  /**
   * A call room: its call was seen answered (a call that ends closes the room). Before that both
   * pages connect and send while it rings, so that an answer finds their transports up; what they
   * send is held (its producers paused here, so nothing reaches the other side) until the call
   * room says answered, asked when a page says so (`callAnswered`), consumes or sends.
   */
  #answered = false;
  /** Producers paused for that hold: resumed at the answer (unless their page paused them since). */
  #held = new Set<ms.Producer>();

  private constructor(name: string, deps: RoomDeps) {
    super();
    this.name = name;
    const named = parseSfuRoom(name);
    if (!named) throw new Error(`"${name}" is not a media room name`);
    this.kind = named.kind;
    this.id = named.id;
    this.#deps = deps;
    this.#speaking = new SpeakingTracker((msg) => {
      this.broadcast(msg);
      if (msg.type !== "speaking") return;
      this.#speakingNow = msg.subs;
      this.emit("speaking", msg.subs);
    });
    if (this.kind === "space" && deps.upstream) this.#upstream = deps.upstream(this);
  }

  static create(name: string, deps: RoomDeps): SfuRoom {
    return new SfuRoom(name, deps);
  }

  get config(): SfuConfig {
    return this.#deps.config;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether speakers produce elsewhere (the Space's origin) and this room only serves listeners. */
  get isEdge(): boolean {
    return this.#upstream !== null;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** Routers this room holds now (the primary plus overflow ones). */
  get routerCount(): number {
    return (this.#primary ? 1 : 0) + this.#overflow.length;
  }

  /** Who the audio-level observer hears now. */
  get speakingNow(): string[] {
    return this.#speakingNow;
  }

  peer(sub: string): SfuPeer | undefined {
    return this.#peers.get(sub);
  }

  /** False while a worker death is being handled or a peer asked to reconnect has not rebuilt. */
  get whole(): boolean {
    return this.#recovering === 0 && this.#rebuilding.size === 0;
  }

  health(): RoomHealth {
    const media = { transports: 0, producers: 0, consumers: 0 };
    for (const peer of this.#peers.values()) {
      const m = peer.media;
      media.transports += m.transports;
      media.producers += m.producers;
      media.consumers += m.consumers;
    }
    const upstream = this.#upstream ? { open: this.#upstream.open, producers: this.#remote.size } : undefined;
    return {
      name: this.name,
      peers: this.#peers.size,
      routers: this.routerCount,
      whole: this.whole,
      media,
      role: upstream ? "edge" : "origin",
      ...(upstream && { upstream }),
    };
  }

  /** Adds a peer; the same identity connecting again replaces its older connection. */
  addPeer(peer: SfuPeer): SfuPeer | undefined {
    if (this.#closed) throw new SfuError("conflict", "room is closed");
    const previous = this.#peers.get(peer.sub);
    if (!previous && this.kind === "call" && this.#peers.size >= CALL_MAX_PEERS) {
      throw new SfuError("room_full", "this call already has its two people");
    }
    this.#peers.set(peer.sub, peer);
    return previous;
  }

  removePeer(peer: SfuPeer): void {
    if (this.#peers.get(peer.sub) === peer) this.#peers.delete(peer.sub);
    this.#rebuilding.delete(peer);
    if (this.#peers.size === 0) this.emit("empty");
  }

  /**
   * The router where every producer lives; made on first need on the least loaded worker this
   * room does not use. After the primary's worker died, a live overflow router on the chosen
   * worker is promoted instead, keeping one router per worker per room.
   */
  primarySlot(): Promise<RouterSlot> {
    if (this.#closed) return Promise.reject(new SfuError("conflict", "room is closed"));
    if (!this.#primary) {
      const made = (async () => {
        const worker = await this.#deps.pool.pick(new Set(this.#overflow.map((s) => s.worker)));
        const existing = this.#overflow.find((s) => s.worker === worker && !s.closed);
        if (!existing) return RouterSlot.create(this.#deps.pool, worker, true);
        this.#overflow = this.#overflow.filter((s) => s !== existing);
        await existing.promote();
        return existing;
      })();
      made.then((slot) => this.#speaking.attach(slot.audioLevels!), () => {});
      made.catch(() => {
        if (this.#primary === made) this.#primary = null;
      });
      this.#primary = made;
    }
    return this.#primary;
  }

  /**
   * Where a new receiving peer goes: the primary router until it holds `listenersPerRouter`
   * receivers, then an overflow router on a worker this room does not use yet, fed by
   * pipeToRouter. A room keeps at most one router per worker (a second one would add no capacity,
   * and mediasoup cannot pipe a producer id twice into one worker); when every worker is used,
   * the least busy router takes the peer. Past that, capacity means more hosts.
   */
  slotForReceiver(): Promise<RouterSlot> {
    // One placement at a time, so concurrent joins neither overfill a router nor make two
    // overflow routers on one worker. The receiver is counted before the lock is released.
    const placed = this.#placing.then(() => this.#placeReceiver()).then((slot) => {
      slot.addReceiver();
      return slot;
    });
    this.#placing = placed.catch(() => {});
    return placed;
  }

  async #placeReceiver(): Promise<RouterSlot> {
    const limit = this.#deps.config.listenersPerRouter;
    const primary = await this.primarySlot();
    if (primary.receivers < limit || this.kind === "call") return primary;
    const slots = [primary, ...this.#overflow.filter((s) => !s.closed)];
    const open = slots.find((s) => s.receivers < limit);
    if (open) return open;
    const used = new Set<ms.Worker>(slots.map((s) => s.worker));
    if (this.#deps.pool.workers.some((w) => !used.has(w))) {
      const slot = await RouterSlot.create(this.#deps.pool, await this.#deps.pool.pick(used), false);
      if (this.#closed) {
        slot.close();
        throw new SfuError("conflict", "room is closed");
      }
      this.#overflow.push(slot);
      return slot;
    }
    return slots.reduce((a, b) => (b.receivers < a.receivers ? b : a));
  }

  /** Producers of every peer but `peer`, and on an edge the origin's, to consume. */
  *producersExcept(peer?: SfuPeer): Iterable<{ producer: ms.Producer; sub: string }> {
    for (const owner of this.#peers.values()) {
      if (owner === peer) continue;
      for (const producer of owner.producers) yield { producer, sub: owner.sub };
    }
    yield* this.#remote.values();
  }

  /** Resolves when what a receiver consumes is here: at once on the origin, once the pipe is open on an edge. */
  mediaReady(): Promise<void> {
    return this.#upstream ? this.#upstream.ready() : Promise.resolve();
  }

  /**
   * Sends a peer on stage back to the web for a place on the Space's origin: speakers produce
   * there only. 1012 is what browsers read as "connect again" (with fresh tokens from the web).
   */
  #moveToOrigin(peer: SfuPeer): void {
    setImmediate(() =>
      peer.close({ code: SfuCloseCode.serviceRestart, reason: "on stage: connect to the Space's origin media server" })
    );
  }

  // ---- the room decides, the SFU enforces ----

  /**
   * Throws unless `peer` may send `kind` now; in a Space asks the room when no grant is held.
   * A held grant need not be current: the room pushes every change, and a speaker whose media is
   * rebuilt after a worker death keeps the stage even if the room is briefly out of reach.
   * A camera needs the room's video grant as well (on stage and the Space allows video).
   */
  async authorizeProduce(peer: SfuPeer, kind: "audio" | "video"): Promise<void> {
    if (this.kind === "call") {
      // Either of its two people, while it rings or answered (admission checked who); held until then.
      if (!this.#answered) await this.#askCall(peer.sub);
      return;
    }
    if (this.#upstream) {
      const g = this.#deps.grants.get(this.name, peer.sub);
      if (g?.admitted && g.canSpeak) this.#moveToOrigin(peer);
      throw new ForbiddenError(
        "this media server serves this Space's listeners only; speakers send to its origin (connect again)",
      );
    }
    let grant = this.#deps.grants.get(this.name, peer.sub);
    const refuses = (g: typeof grant) => !g?.admitted || !g.canSpeak || (kind === "video" && !g.video);
    // A held "no" may be older than the room's word: a host's "yes" may still be on its way here
    // (pushed to an SFU that is down, then to the next). Ask the room before refusing.
    if (refuses(grant)) {
      try {
        const pulled = await this.#deps.party.fetch(this.id, peer.sub);
        this.#deps.grants.apply(this.name, peer.sub, pulled);
      } catch (err) {
        if (!grant) throw err;
      }
      grant = this.#deps.grants.get(this.name, peer.sub);
    }
    if (!grant) throw new ForbiddenError("you are not on stage in this Space");
    if (!grant.admitted) throw new ForbiddenError("you were removed from this Space");
    if (!grant.canSpeak) throw new ForbiddenError("you are not on stage in this Space");
    if (kind === "video" && !grant.video) {
      throw new ForbiddenError(
        "video is not allowed for you in this Space now (the hosts have not enabled it, or you are not on stage)",
      );
    }
  }

  /** A call: asks its room whether it is answered; once it is, what was held flows. */
  async confirmAnswer(sub: string): Promise<void> {
    if (this.kind !== "call") throw new SfuError("bad_request", "this media room is not a call");
    if (!this.#answered) await this.#askCall(sub);
  }

  async #askCall(sub: string): Promise<void> {
    if (!this.#deps.calls) throw new ForbiddenError("this media server does not take calls");
    const { answered } = await this.#deps.calls.callState(this.id, sub);
    if (!answered || this.#answered || this.#closed) return;
    this.#answered = true;
    const held = [...this.#held];
    this.#held.clear();
    for (const producer of held) {
      if (producer.closed) continue;
      await producer.resume().catch(() => {}); // closed meanwhile
      this.broadcast({ type: "producerResumed", producerId: producer.id, sub: producer.appData.sub as string });
    }
  }

  /** A call not answered yet: a new producer is held (paused) until it is. */
  get holdsMedia(): boolean {
    return this.kind === "call" && !this.#answered;
  }

  /** Holds a producer (its owner's page asked it on air, or a new one): paused, resumed at the answer. */
  hold(producer: ms.Producer): void {
    this.#held.add(producer);
  }

  /** Whether this producer is held; `release` forgets it (its page paused it: it stays paused). */
  isHeld(producer: ms.Producer, release = false): boolean {
    const held = this.#held.has(producer);
    if (release) this.#held.delete(producer);
    return held;
  }

  mayProduce(sub: string, kind: "audio" | "video"): boolean {
    if (this.kind === "call") return true;
    const grant = this.#deps.grants.get(this.name, sub);
    if (!grant?.admitted || !grant.canSpeak) return false;
    return kind === "audio" || grant.video;
  }

  isServerMuted(sub: string): boolean {
    return this.kind === "space" && this.#deps.grants.get(this.name, sub)?.muted === true;
  }

  /**
   * Enforces a grant the control API applied: a removal closes the peer (every transport,
   * producer and consumer, then the socket), a revoke closes its producers, a video revoke (the
   * hosts turned video off) closes its cameras and keeps the audio, a mute pauses them.
   */
  async grantChanged(sub: string, pushed: Grant): Promise<void> {
    const peer = this.#peers.get(sub);
    if (!peer) return;
    // The table's copy: it holds video only together with the stage.
    const grant = this.#deps.grants.get(this.name, sub) ?? pushed;
    if (!grant.admitted) return peer.close({ code: SfuCloseCode.removed, reason: "removed from this Space" });
    if (this.#upstream && grant.canSpeak) return this.#moveToOrigin(peer);
    if (!grant.canSpeak) peer.closeProducers();
    else if (!grant.video) peer.closeProducers("video");
    if (grant.muted) {
      // A mute is about sound: a camera stays on (the video grant governs it).
      for (const producer of [...peer.producers]) {
        if (producer.paused || producer.kind !== "audio") continue;
        try {
          await producer.pause();
          this.producerPaused(peer, producer, "server");
        } catch {
          // Fail closed: a producer the SFU cannot pause must not stay on air.
          if (!producer.closed) peer.closeProducers();
        }
      }
    }
    peer.notify({ type: "grantChanged", canSpeak: grant.canSpeak, muted: grant.muted, video: grant.video });
  }

  // ---- events from peers, told to everyone else ----

  producerAdded(owner: SfuPeer, producer: ms.Producer): void {
    const pausedBy = !producer.paused
      ? undefined
      : (producer.kind === "audio" && this.isServerMuted(owner.sub)) || this.#held.has(producer)
      ? "server"
      : "self";
    this.#offer(producer, owner.sub, owner, pausedBy);
    this.emit("producer", { type: "added", producer, sub: owner.sub, pausedBy });
  }

  #offer(producer: ms.Producer, sub: string, owner: SfuPeer | null, pausedBy: "server" | "self" | undefined): void {
    if (producer.kind === "audio") this.#speaking.add(producer, sub);
    for (const peer of this.#peers.values()) {
      if (peer !== owner) void peer.consumeProducer(producer, sub);
    }
    if (pausedBy) this.broadcast({ type: "producerPaused", producerId: producer.id, sub, by: pausedBy });
  }

  producerClosed(owner: SfuPeer, producer: ms.Producer): void {
    this.#speaking.remove(producer.id);
    this.broadcast({ type: "producerClosed", producerId: producer.id, sub: owner.sub });
    this.emit("producer", { type: "closed", producerId: producer.id });
  }

  producerPaused(owner: SfuPeer, producer: ms.Producer, by: "server" | "self"): void {
    this.broadcast({ type: "producerPaused", producerId: producer.id, sub: owner.sub, by });
    this.emit("producer", { type: "paused", producerId: producer.id, by });
  }

  producerResumed(owner: SfuPeer, producer: ms.Producer): void {
    this.broadcast({ type: "producerResumed", producerId: producer.id, sub: owner.sub });
    this.emit("producer", { type: "resumed", producerId: producer.id });
  }

  // ---- on an edge: the origin's producers, as pipe producers ----

  remoteProducerAdded(producer: ms.Producer, sub: string, pausedBy?: "server" | "self"): void {
    if (this.#closed) return void producer.close();
    this.#remote.set(producer.id, { producer, sub });
    // Closed with its pipe transport (the pipe lost, the router gone): the listeners are told.
    producer.observer.once("close", () => this.remoteProducerClosed(producer.id));
    this.#offer(producer, sub, null, producer.paused ? pausedBy ?? "self" : undefined);
  }

  remoteProducerClosed(producerId: string): void {
    const remote = this.#remote.get(producerId);
    if (!remote) return;
    this.#remote.delete(producerId);
    if (!remote.producer.closed) remote.producer.close();
    this.#speaking.remove(producerId);
    this.broadcast({ type: "producerClosed", producerId, sub: remote.sub });
  }

  async remoteProducerPaused(producerId: string, paused: boolean, by: "server" | "self" = "self"): Promise<void> {
    const remote = this.#remote.get(producerId);
    if (!remote || remote.producer.paused === paused) return;
    await (paused ? remote.producer.pause() : remote.producer.resume());
    this.broadcast(
      paused
        ? { type: "producerPaused", producerId, sub: remote.sub, by }
        : { type: "producerResumed", producerId, sub: remote.sub },
    );
  }

  broadcast(msg: Parameters<SfuPeer["notify"]>[0]): void {
    for (const peer of this.#peers.values()) peer.notify(msg);
  }

  // ---- faults ----

  /** A worker died: forget its routers and have the peers that used them reconnect. */
  async workerDied(worker: ms.Worker): Promise<void> {
    this.#recovering++;
    try {
      const primary = await this.#primary?.catch(() => null);
      if (primary && primary.worker === worker) {
        primary.close();
        this.#speaking.detach();
        this.#primary = null;
      }
      for (const slot of this.#overflow) if (slot.worker === worker) slot.close();
      this.#overflow = this.#overflow.filter((s) => !s.closed);
      for (const peer of [...this.#peers.values()]) {
        if (peer.usesWorker(worker) && peer.resetMedia("media server restarted")) this.#rebuilding.add(peer);
      }
    } finally {
      this.#recovering--;
    }
  }

  /** A peer asked to reconnect has its media back (receiving again, and sending if it sent). */
  mediaRebuilt(peer: SfuPeer): void {
    this.#rebuilding.delete(peer);
  }

  /** Closes the room and disconnects its peers with `kick` (room closed, unless the SFU is stopping). */
  close(kick: { code: number; reason: string } = ROOM_CLOSED): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers.values()]) peer.close(kick);
    this.#upstream?.close();
    this.#remote.clear();
    this.#speaking.detach();
    this.#primary?.then((s) => s.close(), () => {});
    for (const slot of this.#overflow) slot.close();
    this.#primary = null;
    this.#overflow = [];
    this.emit("closed");
  }
}
