// The origin's side of its edges: one PipeTransport per (Space, edge), made when the edge asks,
// with a pipe consumer per producer of the Space. The edge is told, in order, of every producer
// added, closed, paused and resumed after that; a link the edge stops renewing, or whose events
// it no longer takes, is closed, and so is the origin room once neither people nor edges use it.
import type { types as ms } from "mediasoup";
import {
  originOf,
  PIPE_LEASE_MS,
  PIPE_RENEW_MS,
  type PipedProducer,
  type PipeEvent,
  type PipeLinkRequest,
  type PipeOpenRequest,
  type PipeOpenResponse,
  type SfuEntry,
} from "../lib/protocol/sfu_edge.ts";
import { type GrantRequest, type MediaSource, parseSfuRoom } from "../lib/protocol/sfu.ts";
import { randomId } from "../lib/protocol/token.ts";
import type { SfuConfig } from "./config.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import type { GrantTable } from "./grants.ts";
import type { InternalPost } from "./internal-client.ts";
import { pipeEvent } from "../lib/protocol/internal_api.ts";
import { pipeTransportOptions } from "./media.ts";
import type { ProducerEvent, SfuRoom } from "./room.ts";

export type OriginLinkDeps = {
  config: SfuConfig;
  grants: GrantTable;
  post: InternalPost;
  roomFor(name: string): SfuRoom;
  existingRoom(name: string): SfuRoom | undefined;
};

type Link = {
  id: string;
  room: string;
  edge: SfuEntry;
  transport: ms.PipeTransport;
  consumers: Map<string, ms.Consumer>;
  queue: Promise<void>;
  renewedAt: number;
  closed: boolean;
};

/** Grants an edge must hold from the start: the removed and those on stage (the rest are pulled). */
const MAX_OPEN_GRANTS = 5_000;

export class OriginLinks {
  #deps: OriginLinkDeps;
  #byRoom = new Map<string, Map<string, Link>>();
  #sweep: NodeJS.Timeout;

  constructor(deps: OriginLinkDeps) {
    this.#deps = deps;
    this.#sweep = setInterval(() => this.#expire(), PIPE_RENEW_MS);
    this.#sweep.unref();
  }

  /** Whether edges draw on this room (it is kept open for them though it has no peers). */
  linked(room: string): boolean {
    return (this.#byRoom.get(room)?.size ?? 0) > 0;
  }

  count(room: string): number {
    return this.#byRoom.get(room)?.size ?? 0;
  }

  /** The edges serving a room now. */
  edgesOf(room: string): SfuEntry[] {
    return [...(this.#byRoom.get(room)?.values() ?? [])].map((l) => l.edge);
  }

  /**
   * Opens a pipe for an edge. Refused, with nothing made, unless this SFU is the Space's origin
   * and the asker is another SFU of the list.
   */
  async open(req: PipeOpenRequest): Promise<PipeOpenResponse> {
    const { config } = this.#deps;
    const edge = config.peers.find((p) => p.id === req.edge);
    if (!edge || req.edge === config.sfuId) {
      throw new ForbiddenError(`"${req.edge}" is not another media server of this deployment`);
    }
    const spaceId = parseSfuRoom(req.room)?.id ?? "";
    const origin = originOf(spaceId, config.peers.map((p) => p.id));
    if (origin !== config.sfuId) {
      throw new ForbiddenError(
        `this media server (${config.sfuId || "unlisted"}) is not the origin of Space ${spaceId}; its origin is ${
          origin ?? "none"
        }`,
      );
    }
    // An edge asking again has rebuilt its side: its old pipe is of no use.
    for (const old of [...(this.#byRoom.get(req.room)?.values() ?? [])]) {
      if (old.edge.id === edge.id) this.#drop(old, false);
    }
    const room = this.#deps.roomFor(req.room);
    const slot = await room.primarySlot();
    const transport = await slot.router.createPipeTransport(pipeTransportOptions(config));
    const link: Link = {
      id: randomId(9),
      room: req.room,
      edge,
      transport,
      consumers: new Map(),
      queue: Promise.resolve(),
      renewedAt: Date.now(),
      closed: false,
    };
    try {
      await transport.connect({ ip: req.ip, port: req.port, srtpParameters: req.srtp as ms.SrtpParameters });
      const producers: PipedProducer[] = [];
      for (const { producer, sub } of room.producersExcept()) {
        const piped = await this.#pipe(link, producer, sub, pausedBy(room, producer, sub));
        if (piped) producers.push(piped);
      }
      if (room.closed) throw new NotFoundError("room", req.room);
      let links = this.#byRoom.get(req.room);
      if (!links) this.#byRoom.set(req.room, links = new Map());
      links.set(link.id, link);
      // The router went (a worker died, the room closed): the edge rebuilds its side.
      transport.observer.once("close", () => this.#drop(link, true));
      const { localIp, localPort } = transport.tuple;
      return {
        ok: true,
        link: link.id,
        ip: localIp,
        port: localPort,
        srtp: transport.srtpParameters!,
        producers,
        grants: this.#heldGrants(req.room),
      };
    } catch (err) {
      transport.close();
      // A room made for this pipe alone is not left behind.
      if (!room.closed && room.peerCount === 0 && !this.linked(req.room)) room.close();
      throw err;
    }
  }

  renew(req: PipeLinkRequest): void {
    const link = this.#find(req);
    link.renewedAt = Date.now();
  }

  close(req: PipeLinkRequest): void {
    this.#drop(this.#find(req), false);
  }

  /** A producer of an origin room changed: each edge of the room is told, in order. */
  producerEvent(room: SfuRoom, ev: ProducerEvent): void {
    for (const link of this.#byRoom.get(room.name)?.values() ?? []) {
      link.queue = link.queue.then(() => this.#tell(link, room, ev)).catch((err) => {
        // An edge that is gone or forgot the link: nobody listens through it any more.
        if (!link.closed) {
          console.warn(`sfu: edge ${link.edge.id} lost for ${link.room}: ${err instanceof Error ? err.message : err}`);
        }
        this.#drop(link, false);
      });
    }
  }

  /** The origin room closed: its pipes went with its routers. */
  roomClosed(room: string): void {
    for (const link of [...(this.#byRoom.get(room)?.values() ?? [])]) this.#drop(link, true);
  }

  stop(): void {
    clearInterval(this.#sweep);
    for (const links of [...this.#byRoom.values()]) for (const link of [...links.values()]) this.#drop(link, false);
  }

  async #tell(link: Link, room: SfuRoom, ev: ProducerEvent): Promise<void> {
    if (link.closed) return;
    let event: PipeEvent;
    const base = { room: link.room, link: link.id };
    switch (ev.type) {
      case "added": {
        const producer = await this.#pipe(link, ev.producer, ev.sub, ev.pausedBy);
        if (!producer) return;
        event = { type: "producerAdded", ...base, producer };
        break;
      }
      case "closed":
        link.consumers.get(ev.producerId)?.close();
        link.consumers.delete(ev.producerId);
        event = { type: "producerClosed", ...base, producerId: ev.producerId };
        break;
      case "paused":
        event = { type: "producerPaused", ...base, producerId: ev.producerId, by: ev.by };
        break;
      case "resumed":
        event = { type: "producerResumed", ...base, producerId: ev.producerId };
        break;
    }
    if (room.closed) return;
    const answer = await this.#deps.post(link.edge.url, pipeEvent, event);
    if (!answer.ok) {
      if (answer.error.code === "unreachable") {
        throw new Error(`the media server at ${link.edge.url} could not be reached`);
      }
      throw new Error(`the edge answered ${answer.error.status}`);
    }
  }

  /** A pipe consumer for one producer, as the edge re-creates it; null if the producer went meanwhile. */
  async #pipe(link: Link, producer: ms.Producer, sub: string, by?: "server" | "self"): Promise<PipedProducer | null> {
    if (producer.closed || link.consumers.has(producer.id)) return null;
    const consumer = await link.transport.consume({ producerId: producer.id });
    link.consumers.set(producer.id, consumer);
    consumer.observer.once("close", () => link.consumers.delete(producer.id));
    return {
      producerId: producer.id,
      sub,
      kind: producer.kind,
      source: producer.appData.source as MediaSource,
      rtpParameters: consumer.rtpParameters as PipedProducer["rtpParameters"],
      paused: producer.paused,
      ...(producer.paused && by ? { pausedBy: by } : {}),
    };
  }

  #heldGrants(room: string): GrantRequest[] {
    const out: GrantRequest[] = [];
    for (const [sub, g] of this.#deps.grants.entries(room)) {
      if (g.admitted && !g.canSpeak) continue;
      out.push({ room, sub, canSpeak: g.canSpeak, muted: g.muted, admitted: g.admitted, video: g.video, seq: g.seq });
      if (out.length >= MAX_OPEN_GRANTS) break;
    }
    return out;
  }

  #find(req: PipeLinkRequest): Link {
    const link = this.#byRoom.get(req.room)?.get(req.link);
    if (!link || link.edge.id !== req.edge) throw new NotFoundError("pipe", req.link);
    return link;
  }

  #expire(): void {
    const stale = Date.now() - PIPE_LEASE_MS;
    for (const links of [...this.#byRoom.values()]) {
      for (const link of [...links.values()]) if (link.renewedAt < stale) this.#drop(link, false);
    }
  }

  #drop(link: Link, tellEdge: boolean): void {
    if (link.closed) return;
    link.closed = true;
    const links = this.#byRoom.get(link.room);
    links?.delete(link.id);
    if (links?.size === 0) this.#byRoom.delete(link.room);
    if (!link.transport.closed) link.transport.close();
    if (tellEdge) {
      const event: PipeEvent = {
        type: "pipeClosed",
        room: link.room,
        link: link.id,
        reason: "the origin's pipe closed",
      };
      void this.#deps.post(link.edge.url, pipeEvent, event);
    }
    // Nobody here and no edge drawing on it: the room's routers are freed.
    const room = this.#deps.existingRoom(link.room);
    if (room && !room.closed && room.peerCount === 0 && !this.linked(link.room)) room.close();
  }
}

function pausedBy(room: SfuRoom, producer: ms.Producer, sub: string): "server" | "self" | undefined {
  if (!producer.paused) return undefined;
  return producer.kind === "audio" && room.isServerMuted(sub) ? "server" : "self";
}
