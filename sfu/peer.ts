// One connected client in one room: its transports, producers and consumers. Requests are
// handled one at a time per peer, so a client's own messages never race each other; the room
// drives the rest (new producers to consume, grant changes, worker deaths).
// Longer than 300 lines on purpose: one class whose request switch covers the signalling map; each
// case is short and reads the peer's own transports.
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import {
  type MediaSource,
  SfuCloseCode,
  type SfuNotification,
  type SfuRequest,
  type SfuResponseData,
  type SfuWelcomeMode,
  type TransportInfo,
} from "../lib/protocol/sfu.ts";
import { CONSUMER_RATE, controlConsumer, layerCounts, LIMITED_CONSUMER_REQUESTS } from "./consumer-control.ts";
import { assertUnreachable, NotFoundError, SfuError } from "./errors.ts";
import { webRtcTransportOptions } from "./media.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { RouterSlot } from "./router-slot.ts";
import type { SfuRoom } from "./room.ts";

/** How a peer reaches its client: the signalling socket, kept out of the media logic. */
export type PeerLink = { send(msg: SfuNotification): void; kick(code: number, reason: string): void };

type PeerTransport = { transport: ms.WebRtcTransport; direction: "send" | "recv"; slot: RouterSlot };
type Answer<T extends SfuRequest> = SfuResponseData[T["type"]];

/** mediasoup's complaints about parameters a client sent are the client's fault. */
async function clientInput<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SfuError) throw err;
    throw new SfuError("bad_request", `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `closed`: once, when the peer leaves (socket closed, replaced, room closed). */
export type SfuPeerEvents = { closed: [] };

export class SfuPeer extends EventEmitter<SfuPeerEvents> {
  readonly sub: string;
  #room: SfuRoom;
  #link: PeerLink;
  #transports = new Map<string, PeerTransport>();
  #producers = new Map<string, ms.Producer>();
  #consumers = new Map<string, ms.Consumer>();
  #consumedProducers = new Set<string>();
  #rtpCapabilities: ms.RtpCapabilities | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  // What the client must build again after `reconnect` before the room is whole.
  #owed = new Set<"send" | "recv">();
  // Pause, resume and layer changes, limited apart from the socket's own limit (see CONSUMER_RATE).
  #consumerChanges = new TokenBucket(CONSUMER_RATE.burst, CONSUMER_RATE.perSecond);
  #consumerRefusals = 0;
  #closed = false;

  private constructor(room: SfuRoom, sub: string, link: PeerLink) {
    super();
    this.#room = room;
    this.sub = sub;
    this.#link = link;
  }

  static create(room: SfuRoom, sub: string, link: PeerLink): SfuPeer {
    return new SfuPeer(room, sub, link);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get producers(): Iterable<ms.Producer> {
    return this.#producers.values();
  }

  /** The media this peer holds on the SFU now, for health. */
  get media(): { transports: number; producers: number; consumers: number } {
    return { transports: this.#transports.size, producers: this.#producers.size, consumers: this.#consumers.size };
  }

  notify(msg: SfuNotification): void {
    if (!this.#closed) this.#link.send(msg);
  }

  /** Runs a request after the peer's earlier ones; the answer or an SfuError. */
  enqueue<T extends SfuRequest>(req: T): Promise<Answer<T>> {
    // Counted when the request arrives, not when its turn comes: a flood is refused, not queued.
    if (LIMITED_CONSUMER_REQUESTS.has(req.type)) {
      if (this.#consumerChanges.take()) this.#consumerRefusals = 0;
      else {
        if (++this.#consumerRefusals > CONSUMER_RATE.refusalsBeforeClose) {
          this.close({ code: SfuCloseCode.rateLimited, reason: "too many consumer changes" });
        }
        return Promise.reject(
          new SfuError(
            "rate_limited",
            `too many consumer changes (pause, resume, layers); at most ${CONSUMER_RATE.perSecond} a second`,
          ),
        );
      }
    }
    const run = this.#queue.then(() => {
      if (this.#closed) throw new SfuError("conflict", "connection is closing");
      return this.#handle(req);
    });
    this.#queue = run.catch(() => {});
    return run as Promise<Answer<T>>;
  }

  /**
   * The `welcome` of a socket that asked for one: the router's capabilities and, with `recv`,
   * `listen` or `talk`, the receive transport (with `talk` the send transport too), sent before any
   * request is handled (it goes first in the peer's queue); with `listen` and `talk`, then a
   * consumer of every audio producer.
   * A failure is sent as an error without id: the client then asks for both the usual way.
   */
  welcome(mode: SfuWelcomeMode): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closed) return;
      const router = (await this.#room.primarySlot()).router;
      const transport = mode !== "caps" ? await this.#createTransport("recv") : undefined;
      // Making a send transport gives no right to produce: `produce` still asks the room.
      const send = mode === "talk" ? await this.#createTransport("send") : undefined;
      this.notify({
        type: "welcome",
        rtpCapabilities: router.rtpCapabilities as never,
        ...(transport && { recv: transport }),
        ...(send && { send }),
      });
      if ((mode !== "listen" && mode !== "talk") || this.#closed) return;
      // The audio at once, for the Opus every WebRTC browser receives (the router's own terms);
      // `consume` brings the real capabilities for the rest. Before it, nothing else is consumed.
      this.#rtpCapabilities ??= {
        codecs: router.rtpCapabilities.codecs?.filter((c) => c.kind === "audio"),
        headerExtensions: router.rtpCapabilities.headerExtensions?.filter((h) => h.kind === "audio"),
      };
      await this.#room.mediaReady();
      for (const { producer, sub } of this.#room.producersExcept(this)) {
        if (producer.kind === "audio") await this.consumeProducer(producer, sub);
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #handle(req: SfuRequest): Promise<Answer<SfuRequest>> {
    switch (req.type) {
      case "getRouterRtpCapabilities":
        return { rtpCapabilities: (await this.#room.primarySlot()).router.rtpCapabilities };
      case "createTransport":
        return this.#createTransport(req.direction);
      case "connectTransport": {
        const { transport } = this.#transport(req.transportId);
        await clientInput("connectTransport", () => transport.connect({ dtlsParameters: req.dtlsParameters }));
        return {};
      }
      case "restartIce": {
        const { transport } = this.#transport(req.transportId);
        return { iceParameters: await transport.restartIce() };
      }
      case "produce":
        return this.#produce(req);
      case "closeProducer":
        this.#closeProducer(this.#producer(req.producerId));
        return {};
      case "pauseProducer": {
        const producer = this.#producer(req.producerId);
        // Held for a ringing call's answer: it stays paused after it too.
        if (this.#room.isHeld(producer, true)) this.#room.producerPaused(this, producer, "self");
        else if (!producer.paused) {
          await producer.pause();
          this.#room.producerPaused(this, producer, "self");
        }
        return {};
      }
      case "resumeProducer": {
        const producer = this.#producer(req.producerId);
        // A call still ringing: on air once it is answered.
        if (this.#room.holdsMedia) {
          if (producer.paused) this.#room.hold(producer);
          return {};
        }
        if (producer.kind === "audio" && this.#room.isServerMuted(this.sub)) {
          throw new SfuError("forbidden", "the host has muted you; unmute through the room");
        }
        if (producer.paused) {
          await producer.resume();
          this.#room.producerResumed(this, producer);
        }
        return {};
      }
      case "consume": {
        if (!this.#recvTransport()) throw new SfuError("conflict", "create a recv transport before consume");
        if (!req.rtpCapabilities.codecs?.length) {
          throw new SfuError("bad_request", "rtpCapabilities.codecs: the device can receive no codec");
        }
        this.#rtpCapabilities = req.rtpCapabilities as ms.RtpCapabilities;
        // A call answered since this peer connected: what was held while it rang flows now.
        if (this.#room.kind === "call") await this.#room.confirmAnswer(this.sub);
        // On an edge, the origin's producers arrive through the pipe; without it there is nothing to hear.
        await this.#room.mediaReady();
        for (const { producer, sub } of this.#room.producersExcept(this)) await this.consumeProducer(producer, sub);
        this.#repaid("recv");
        return {};
      }
      case "callAnswered":
        await this.#room.confirmAnswer(this.sub);
        return {};
      case "consumerReady":
      case "pauseConsumer":
      case "resumeConsumer":
      case "setConsumerLayers": {
        // Only this peer's own consumers: another peer's id is simply not found here.
        const consumer = this.#consumers.get(req.consumerId);
        if (!consumer) throw new NotFoundError("consumer", req.consumerId);
        return controlConsumer(consumer, req);
      }
      default:
        return assertUnreachable(req);
    }
  }

  async #createTransport(direction: "send" | "recv"): Promise<TransportInfo> {
    // One transport per direction: a client asking again is rebuilding after a failure.
    for (const t of [...this.#transports.values()]) if (t.direction === direction) this.#closeTransport(t);
    // slotForReceiver counts the receiver on the router it picks.
    const slot = direction === "send" ? await this.#room.primarySlot() : await this.#room.slotForReceiver();
    let transport: ms.WebRtcTransport;
    try {
      transport = await slot.router.createWebRtcTransport({
        ...webRtcTransportOptions(this.#room.config),
        appData: { sub: this.sub },
      });
    } catch (err) {
      if (direction === "recv") slot.removeReceiver();
      throw err;
    }
    if (this.#closed) {
      transport.close();
      if (direction === "recv") slot.removeReceiver();
      throw new SfuError("conflict", "connection is closing");
    }
    this.#transports.set(transport.id, { transport, direction, slot });
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates as TransportInfo["iceCandidates"],
      dtlsParameters: transport.dtlsParameters as TransportInfo["dtlsParameters"],
    };
  }

  async #produce(req: Extract<SfuRequest, { type: "produce" }>): Promise<Answer<typeof req>> {
    const { transport, direction } = this.#transport(req.transportId);
    if (direction !== "send") throw new SfuError("bad_request", "produce needs a send transport");
    if ((req.kind === "audio") !== (req.appData.source === "mic")) {
      // A forged source is refused like a missing grant: a "mic" video would dodge the camera rules.
      throw new SfuError("forbidden", "audio may only come from source mic and video only from source camera");
    }
    for (const p of this.#producers.values()) {
      if (p.appData.source === req.appData.source) {
        throw new SfuError("conflict", `already producing ${req.appData.source}`);
      }
    }
    await this.#room.authorizeProduce(this, req.kind);
    const producer = await clientInput("produce", () =>
      transport.produce({
        kind: req.kind,
        rtpParameters: req.rtpParameters as ms.RtpParameters,
        appData: { source: req.appData.source, sub: this.sub, transportId: transport.id },
      }));
    // The grant may have been revoked while the producer was being created.
    if (this.#closed || !this.#room.mayProduce(this.sub, req.kind)) {
      producer.close();
      throw new SfuError(
        "forbidden",
        req.kind === "video" ? "the video grant was revoked" : "the speaking grant was revoked",
      );
    }
    if (req.kind === "audio" && this.#room.isServerMuted(this.sub)) await producer.pause();
    // A call still ringing: held (paused) here until it is answered.
    if (this.#room.holdsMedia && !producer.paused) {
      this.#room.hold(producer);
      await producer.pause();
    }
    this.#producers.set(producer.id, producer);
    this.#room.producerAdded(this, producer);
    this.#repaid("send");
    return { producerId: producer.id, paused: producer.paused };
  }

  /** Called by the room for every producer of another peer, once this peer has said `consume`. */
  async consumeProducer(producer: ms.Producer, sub: string): Promise<void> {
    const recv = this.#recvTransport();
    const rtpCapabilities = this.#rtpCapabilities;
    if (!recv || !rtpCapabilities || this.#closed || this.#consumedProducers.has(producer.id)) return;
    this.#consumedProducers.add(producer.id);
    try {
      await recv.slot.ensurePiped(await this.#room.primarySlot(), producer.id);
      if (!recv.slot.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
        // Not with these capabilities (a camera before `consume` brought the device's): asked again then.
        this.#consumedProducers.delete(producer.id);
        return;
      }
      // enableRtx for audio too: mediasoup 3.12 otherwise strips plain NACK from audio consumers, and
      // every packet lost between the SFU and the listener would be heard (Opus has no RTX codec:
      // the packet is sent again as it was, which libwebrtc's NetEq takes while it is not late).
      const consumer = await recv.transport.consume({
        producerId: producer.id,
        rtpCapabilities,
        paused: true,
        enableRtx: true,
      });
      if (this.#closed) return consumer.close();
      this.#consumers.set(consumer.id, consumer);
      const forget = () => {
        this.#consumers.delete(consumer.id);
        this.#consumedProducers.delete(producer.id);
      };
      consumer.on("transportclose", forget);
      consumer.on("producerclose", forget);
      this.notify({
        type: "newConsumer",
        consumerId: consumer.id,
        producerId: producer.id,
        sub,
        kind: consumer.kind,
        source: producer.appData.source as MediaSource,
        rtpParameters: consumer.rtpParameters as never,
        producerPaused: consumer.producerPaused,
        ...(consumer.kind === "video" ? { layers: layerCounts(consumer.rtpParameters) } : {}),
      });
    } catch (err) {
      this.#consumedProducers.delete(producer.id);
      // A producer or transport that closed meanwhile is normal; anything else is a fault to see.
      if (!producer.closed && !recv.transport.closed && !this.#closed) {
        console.error(`sfu: consume for ${this.sub} failed:`, err);
      }
    }
  }

  /** The room took away the right to speak: every producer goes, listeners are told. */
  closeProducers(kind?: "audio" | "video"): void {
    for (const p of [...this.#producers.values()]) if (!kind || p.kind === kind) this.#closeProducer(p);
    // Nothing to send any more, so nothing to rebuild on that side.
    if (!kind) this.#repaid("send");
  }

  /** Whether a worker's death took any of this peer's media with it. */
  usesWorker(worker: ms.Worker): boolean {
    for (const t of this.#transports.values()) if (t.slot.worker === worker) return true;
    return false;
  }

  /**
   * Drops all media state and asks the client to build it again (grants are kept by the room);
   * returns whether the client owes anything (it was receiving or sending), see mediaRebuilt.
   */
  resetMedia(reason: string): boolean {
    if (this.#recvTransport()) this.#owed.add("recv");
    if (this.#producers.size > 0) this.#owed.add("send");
    this.#dropMedia();
    this.notify({ type: "reconnect", reason });
    return this.#owed.size > 0;
  }

  #repaid(what: "send" | "recv"): void {
    if (this.#owed.delete(what) && this.#owed.size === 0) this.#room.mediaRebuilt(this);
  }

  #dropMedia(): void {
    for (const p of [...this.#producers.values()]) this.#closeProducer(p);
    for (const t of [...this.#transports.values()]) this.#closeTransport(t);
    this.#rtpCapabilities = null;
  }

  #closeProducer(producer: ms.Producer): void {
    if (!this.#producers.delete(producer.id)) return;
    if (!producer.closed) producer.close();
    this.#room.producerClosed(this, producer);
  }

  #closeTransport(t: PeerTransport): void {
    if (!this.#transports.delete(t.transport.id)) return;
    for (const p of [...this.#producers.values()]) {
      if (!this.#transports.has(this.#ownerTransportId(p))) this.#closeProducer(p);
    }
    if (t.direction === "recv") {
      t.slot.removeReceiver();
      // Consumers live only on the one receive transport: they all went with it.
      for (const c of this.#consumers.values()) c.close();
      this.#consumers.clear();
      this.#consumedProducers.clear();
    }
    if (!t.transport.closed) t.transport.close();
  }

  #ownerTransportId(producer: ms.Producer): string {
    return (producer.appData.transportId as string | undefined) ?? "";
  }

  #transport(id: string): PeerTransport {
    const t = this.#transports.get(id);
    if (!t) throw new NotFoundError("transport", id);
    return t;
  }

  #producer(id: string): ms.Producer {
    const p = this.#producers.get(id);
    if (!p) throw new NotFoundError("producer", id);
    return p;
  }

  #recvTransport(): PeerTransport | undefined {
    for (const t of this.#transports.values()) if (t.direction === "recv") return t;
    return undefined;
  }

  /** Idempotent; `kick` also closes the client's socket with that code (replaced, room closed). */
  close(kick?: { code: number; reason: string }): void {
    if (this.#closed) return;
    this.#dropMedia();
    this.#closed = true;
    this.#room.removePeer(this);
    if (kick) this.#link.kick(kick.code, kick.reason);
    this.emit("closed");
  }
}
