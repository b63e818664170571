// SfuSession: one person's media in one SFU room, framework-free, exposing signals (the LiveKit
// vocabulary: remote tracks, isSpeaking, connection state). Receives every producer of the room;
// publishes the microphone (and camera, for calls) when allowed. Rebuilds itself when the SFU
// says so (a worker died) or the socket drops, with fresh tokens each time.
// Longer than 300 lines on purpose: one state machine (connect, rebuild, publish, consume) over one
// socket and two transports; its signalling, device loading and track reading already live apart.
import { signal } from "@preact/signals";
import type { Device } from "mediasoup-client";
import type { Consumer, Producer, Transport } from "mediasoup-client/types";
import type { IceConfig } from "../../protocol/ice.ts";
import type { MediaSource, SfuNotification, TransportInfo } from "../../protocol/sfu.ts";
import { SfuRequestError, SfuSignalling } from "./signalling.ts";
import { IceRefresh } from "./ice_refresh.ts";
import { MediaWatch, setJitterTarget } from "./media_watch.ts";
import { tcpFirst } from "./media_health.ts";
import { loadedDevice } from "./device.ts";

export { preloadDevice } from "./device.ts";

export type MediaState = "connecting" | "connected" | "reconnecting" | "closed";

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  sub: string;
  kind: "audio" | "video";
  source: MediaSource;
  track: MediaStreamTrack;
  /** The sender paused it (a muted microphone). */
  paused: boolean;
  /** Video: the layers the sender offers (simulcast), to pick one per tile. */
  layers?: { spatial: number; temporal: number };
}

/** What to send a track with: simulcast encodings for a camera in a Space. */
export interface PublishOptions {
  encodings?: RTCRtpEncodingParameters[];
}

export interface SessionOptions {
  /**
   * Fresh `{url, token}` for the SFU, asked for on every (re)connect, with the TURN relays to
   * reach it through (credentials minted with the token) when the server has one.
   */
  credentials: () => Promise<SfuCredentials>;
  /** Whether to receive the room's producers (everyone in a Space; both peers of a call). */
  receive?: boolean;
  /**
   * Video consumers stay paused on the SFU until `wantVideo` asks for them (a Space: only tiles
   * on screen receive video). Calls receive the other person's camera at once.
   */
  videoOnDemand?: boolean;
  /**
   * Milliseconds of audio per Opus packet the microphone sends. A Space uses 60 (bench:media:
   * ~3x the listeners per SFU core of 20 ms, mouth-to-ear p95 106 ms on loopback); a call keeps
   * Opus's 20 for the lowest delay in a conversation of two.
   */
  opusPtime?: 20 | 40 | 60;
  /**
   * The most delay the jitter buffer may take on to give lost packets time to come back (NACK), on
   * a lossy path only: a Space's listeners 400 ms, a call (a conversation) less.
   */
  jitterCapMs?: number;
  /** End-to-end encryption of every frame (a call); never set for a Space. */
  frames?: FrameHooks | null;
  /**
   * This session will send (a call): its send transport comes with the welcome (`welcome=talk`),
   * a round trip before the first `publish` would ask for it.
   */
  send?: boolean;
  /**
   * A call that may still be ringing: what this page sends is held on the SFU (and its frames are
   * dropped until the call's keys are agreed), so its send path is not expected to carry anything
   * until `answered()`; otherwise the media watch would take that quiet for a dead path.
   */
  untilAnswered?: boolean;
}

/**
 * What an end-to-end encrypted call attaches to each of its senders and receivers (the call's
 * worker: lib/browser/calls/e2ee/call_e2ee.ts), and what its peer connections need for it.
 * A sender's hook runs before the offer is applied, a receiver's before the SFU sends anything.
 */
export interface FrameHooks {
  transportSettings?: Record<string, unknown>;
  sender(sender: RTCRtpSender, kind: "audio" | "video"): void;
  receiver(receiver: RTCRtpReceiver, kind: "audio" | "video"): void;
}

export interface SfuCredentials {
  url: string;
  token: string;
  ice?: IceConfig;
}

/** Reconnect delays: quick at first, then every 2 s (jittered), so audio is back within 10 s of the SFU. */
const RETRY_MS = [250, 500, 1000, 2000];
/** Closes that reconnecting would not mend: replaced by a newer tab of ours, room closed (the
 *  Space ended), removed from the Space (the SFU refuses a new socket too). 1012 (the SFU
 *  restarting) and every other close reconnect. */
const FINAL_CLOSES = new Set([4000, 4001, 4003]);

/**
 * How long a consumer's track waits at most for its transport's ICE gathering to end: long
 * enough for the few main-thread tasks that make the UDP sockets (5-10 ms on an idle page), short
 * of the three round trips ICE and DTLS take before any audio can come.
 */
const GATHER_WAIT_MS = 100;

/** Resolves once `t` has gathered its candidates, or after `capMs`. */
function gathered(t: Transport, capMs: number): Promise<void> {
  if (t.iceGatheringState === "complete" || t.closed) return Promise.resolve();
  return new Promise((done) => {
    const finish = () => {
      clearTimeout(timer);
      t.off("icegatheringstatechange", onState);
      done();
    };
    const onState = (state: string) => state === "complete" && finish();
    const timer = setTimeout(finish, capMs);
    t.on("icegatheringstatechange", onState);
  });
}

/**
 * The SFU's transport answer in mediasoup-client's shape. Its answers are parsed by their schemas
 * (lib/protocol/sfu_signalling.ts), which do not depend on mediasoup-client; its types are
 * stricter on paper (literal unions of URIs, `address` beside `ip`), hence `never` when handing
 * parsed objects over: mediasoup-client checks their meaning.
 */
function transportOptions(
  t: TransportInfo,
  ice: IceConfig | undefined,
  preferTcp = false,
  additionalSettings?: Record<string, unknown>,
) {
  return {
    ...(additionalSettings && { additionalSettings }),
    id: t.transportId,
    iceParameters: t.iceParameters,
    iceCandidates: preferTcp ? tcpFirst(t.iceCandidates) : t.iceCandidates,
    dtlsParameters: t.dtlsParameters,
    ...(ice && { iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy }),
  } as never;
}

export class SfuSession {
  readonly state = signal<MediaState>("connecting");
  readonly remote = signal<RemoteTrack[]>([]);
  readonly speaking = signal<string[]>([]);
  readonly grant = signal<{ canSpeak: boolean; muted: boolean; video: boolean } | null>(null);
  /** Local tracks being sent, by source. */
  readonly published = signal<Partial<Record<MediaSource, { producerId: string; paused: boolean }>>>({});
  #sig: SfuSignalling | null = null;
  #device: Device | null = null;
  #send: Transport | null = null;
  #recv: Transport | null = null;
  #consumers = new Map<string, Consumer>();
  /** Producers the SFU said closed on this connection (a consumer being made for one is dropped). */
  #goneProducers = new Set<string>();
  #producers = new Map<MediaSource, Producer>();
  /** What to publish again after a rebuild. */
  #wanted = new Map<MediaSource, { track: MediaStreamTrack; paused: boolean; options?: PublishOptions }>();
  /** Video consumers as last asked of the SFU: resumed (with a spatial layer) or paused. */
  #videoAsk = new Map<string, { on: boolean; layer: number; ready: Promise<unknown> }>();
  /** The relays of the current connection (fresh credentials with each rebuild). */
  #ice: IceConfig | undefined;
  /** New relay credentials before these expire, for a page open longer than they last. */
  #iceRefresh = new IceRefresh(() => this.#refreshIce());
  #closed = false;
  #attempt = 0;
  /** Rebuilds asked for by the media watch since audio last flowed: they back off too. */
  #mediaRebuilds = 0;
  #rebuilding = false;
  /** The UDP path failed and an ICE restart did not mend it: new transports rank TCP first. */
  #preferTcp = false;
  #watch: MediaWatch | null = null;
  /** The send transport asked for ahead of the first publish (`send`), until it takes it. */
  #sendInfo: Promise<TransportInfo> | null = null;
  /** Built (device, signalling, receive transport) and not torn down: publish may go ahead. */
  #ready = false;
  #readyNow!: () => void;
  /** Resolves once publish may first go ahead (the first connection's transports are made). */
  readonly ready = new Promise<void>((resolve) => (this.#readyNow = resolve));
  /** Whether this session has ever been connected: after that, trouble reads "reconnecting". */
  #wasConnected = false;
  /** A call not answered yet (`untilAnswered`): nothing is due on the send path. */
  #awaitingAnswer = false;

  /** The publish running, if any: the next one waits for it (publish). */
  #publishing: Promise<void> = Promise.resolve();
  /** Counts teardowns: a build or publish begun before the last one is stale. */
  #generation = 0;

  constructor(private readonly opts: SessionOptions) {
    this.#awaitingAnswer = opts.untilAnswered === true;
  }

  /** Connects; when the SFU cannot be reached yet, keeps trying in the background. */
  async start(): Promise<void> {
    try {
      await this.#build();
    } catch (e) {
      console.error("joining audio failed; retrying:", e);
      this.#rebuildLater();
    }
  }

  /**
   * One connection. A build that a teardown overtook (the socket closed, replaced or rebuilt, or
   * the session closed, while it awaited) stops at its next step and changes nothing: going on, it
   * made transports beside the next build's (a second send transport that never connected) and
   * even opened a socket after close(), which replaced the person's other tab on the SFU.
   */
  async #build(): Promise<void> {
    const gen = this.#generation;
    try {
      await this.#connect(() => this.#overtaken(gen));
    } catch (e) {
      if (this.#overtaken(gen)) return; // the next build or close() has it
      throw e;
    }
  }

  /** Whether the session was closed or torn down since generation `gen` began. */
  #overtaken(gen: number): boolean {
    return this.#closed || this.#generation !== gen;
  }

  async #connect(stale: () => boolean): Promise<void> {
    const { url, token, ice } = await this.opts.credentials();
    if (stale()) return;
    this.#ice = ice;
    performance.mark("spazio:sfu-connect");
    const receive = this.opts.receive !== false;
    // The SFU's capabilities and our receive transport come unasked with the socket (`welcome`).
    // With `listen`, the consumers of the room's audio come too, before `consume` is asked.
    // A call (`send`) has its send transport come with the welcome too.
    const sig = await SfuSignalling.open(url, token, receive ? (this.opts.send ? "talk" : "listen") : "caps");
    if (stale()) return void sig.close();
    performance.mark("spazio:sfu-open");
    this.#sig = sig;
    let recvMade!: () => void;
    const recvReady = new Promise<void>((r) => recvMade = r);
    // Notifications that come before the receive transport is made (the welcome's consumers) wait for it.
    sig.onNotification = (n) => {
      if (n.type !== "newConsumer" || this.#recv) return void this.#notify(n);
      // Without the welcome's transport (it came too late), its consumers are not ours: `consume` makes them again.
      void recvReady.then(() => {
        if (this.#sig === sig && usedWelcome) void this.#notify(n);
      });
    };
    sig.onClose = (code) => {
      if (this.#sig !== sig || this.#closed) return;
      if (FINAL_CLOSES.has(code)) return this.close();
      this.#rebuildLater();
    };
    // Without a welcome (it failed, or never came) both are asked at once.
    const welcome = await sig.welcome;
    const usedWelcome = !!welcome && (!!welcome.recv || !receive);
    const [{ rtpCapabilities }, recvInfo] = usedWelcome
      ? [welcome, receive ? welcome.recv! : null]
      : await Promise.all([
        sig.request("getRouterRtpCapabilities", {}),
        receive ? sig.request("createTransport", { direction: "recv" }) : null,
      ]);
    let device: Device;
    try {
      if (stale()) return;
      device = await loadedDevice(rtpCapabilities);
      if (stale()) return;
      this.#device = device;
      performance.mark("spazio:device-loaded");
      if (recvInfo) {
        this.#recv = this.#transport(
          device.createRecvTransport(
            transportOptions(recvInfo, this.#ice, this.#preferTcp, this.opts.frames?.transportSettings),
          ),
        );
      }
    } finally {
      recvMade();
    }
    if (this.opts.send) {
      this.#sendInfo = usedWelcome && welcome?.send
        ? Promise.resolve(welcome.send)
        : sig.request("createTransport", { direction: "send" });
      this.#sendInfo.catch(() => {}); // a failure is met by the publish that takes it
    }
    // What this page sends goes on air while `consume` is answered, not a round trip after it.
    this.#ready = true;
    this.#readyNow();
    const consumed = recvInfo && sig.request("consume", { rtpCapabilities: device.rtpCapabilities as never });
    const republished = Promise.all(
      [...this.#wanted].map(([source, w]) =>
        this.publish(w.track, source, w.paused, w.options).catch((e) =>
          console.error(`publishing ${source} again failed:`, e)
        )
      ),
    );
    await consumed;
    if (stale()) return;
    this.state.value = "connected";
    this.#wasConnected = true;
    this.#attempt = 0;
    this.#iceRefresh.schedule(ice);
    this.#watch = this.#newWatch();
    this.#watch.start();
    await republished;
  }

  /** Wires DTLS and ICE restart on failure; shared by send and receive transports. */
  #transport(t: Transport): Transport {
    // ICE and DTLS start without waiting for the SFU's answer: the request goes out before the
    // first ICE check, so the SFU has our DTLS role and fingerprint a round trip before our DTLS
    // hello reaches it. A refusal fails the transport, which rebuilds as any failure does.
    t.on("connect", ({ dtlsParameters }, ok) => {
      const sig = this.#sig!;
      sig.request("connectTransport", { transportId: t.id, dtlsParameters: dtlsParameters as never }).catch((e) => {
        if (this.#sig !== sig || this.#closed) return;
        console.error("the SFU refused our DTLS parameters:", e);
        this.#rebuildLater();
      });
      ok();
    });
    // A failed (or silent) path is the media watch's to mend: ICE restart, then a new connection.
    return t;
  }

  /** Watches both transports: "Reconnecting…" when a path fails or goes silent, and mends it. */
  #newWatch(): MediaWatch {
    const ptime = this.opts.opusPtime ?? 20;
    return new MediaWatch({
      ptimeMs: ptime,
      jitterCapMs: this.opts.jitterCapMs ?? 400,
      paths: () => [
        ...(this.#recv
          ? [{
            transport: this.#recv,
            direction: "recv" as const,
            expectFlow: this.remote.value.some((r) => r.kind === "audio" && !r.paused),
          }]
          : []),
        ...(this.#send
          ? [{
            transport: this.#send,
            direction: "send" as const,
            expectFlow: !this.#awaitingAnswer && [...this.#producers.values()].some((p) => !p.paused),
          }]
          : []),
      ],
      receivers: () => [...this.#consumers.values()].filter((c) => c.kind === "audio").map((c) => c.rtpReceiver!),
      onTrouble: (troubled) => {
        if (this.#closed || this.#rebuilding) return;
        if (!troubled) this.#mediaRebuilds = 0;
        this.state.value = !troubled ? "connected" : this.#wasConnected ? "reconnecting" : "connecting";
      },
      restartIce: async () => {
        const sig = this.#sig;
        if (!sig) throw new Error("no signalling");
        await Promise.all(
          [this.#send, this.#recv].filter((t) => t && !t.closed).map(async (t) => {
            const { iceParameters } = await sig.request("restartIce", { transportId: t!.id });
            await t!.restartIce({ iceParameters });
          }),
        );
      },
      rebuild: (preferTcp) => {
        if (preferTcp) this.#preferTcp = true;
        this.#mediaRebuilds++;
        this.#rebuildLater();
      },
    });
  }

  #rebuildLater() {
    if (this.#closed || this.#rebuilding) return;
    this.#rebuilding = true;
    this.state.value = this.#wasConnected ? "reconnecting" : "connecting";
    this.#teardown();
    // Jittered, so that the listeners of a restarted SFU do not all come back in the same instant.
    const step = Math.max(this.#attempt++, this.#mediaRebuilds - 1);
    const wait = RETRY_MS[Math.min(step, RETRY_MS.length - 1)] * (0.8 + Math.random() * 0.4);
    setTimeout(() => {
      if (this.#closed) return;
      // Still "reconnecting" while it builds: the page had audio, and has none until this is done.
      this.#rebuilding = false;
      this.#build().catch((e) => {
        console.error("rebuilding media failed; retrying:", e);
        this.#rebuildLater();
      });
    }, wait);
  }

  async #notify(n: SfuNotification) {
    switch (n.type) {
      case "newConsumer": {
        if (!this.#recv) return;
        performance.mark("spazio:new-consumer");
        const gen = this.#generation;
        const consumer = await this.#recv.consume({
          id: n.consumerId,
          producerId: n.producerId,
          kind: n.kind,
          rtpParameters: n.rtpParameters as never,
        });
        // Its producer closed while the consumer was being made (the other side's tab replaced,
        // a speaker leaving): the notice found nothing to close, and the page would play a track
        // that never sounds in place of the one that comes next.
        if (this.#goneProducers.has(n.producerId) || this.#overtaken(gen)) return void consumer.close();
        this.#consumers.set(consumer.id, consumer);
        // Before consumerReady: the SFU sends nothing to this consumer until then.
        if (this.opts.frames && consumer.rtpReceiver) this.opts.frames.receiver(consumer.rtpReceiver, n.kind);
        const floor = this.#watch?.jitterTarget;
        if (consumer.kind === "audio" && floor != null && consumer.rtpReceiver) {
          setJitterTarget(consumer.rtpReceiver, floor);
        }
        const onDemand = n.kind === "video" && this.opts.videoOnDemand === true;
        const ready = this.#sig?.request("consumerReady", {
          consumerId: consumer.id,
          ...(onDemand && { paused: true }),
        }).catch(() => {});
        // Known before the tiles see it, so that a tile on screen can ask for it at once.
        if (onDemand) this.#videoAsk.set(consumer.id, { on: false, layer: -1, ready: ready ?? Promise.resolve() });
        // The page plays the track once the transport's sockets exist: Chromium makes its UDP
        // sockets on the page's main thread, which the first <audio> output holds for a while
        // (550 ms in bench:network here), so playing first kept ICE from starting until then.
        await gathered(this.#recv, GATHER_WAIT_MS);
        if (consumer.closed) return;
        this.remote.value = [...this.remote.value, {
          consumerId: consumer.id,
          producerId: n.producerId,
          sub: n.sub,
          kind: n.kind,
          source: n.source,
          track: consumer.track,
          paused: n.producerPaused,
          ...(n.layers && { layers: n.layers }),
        }];
        await ready;
        return;
      }
      case "producerClosed":
        this.#goneProducers.add(n.producerId);
        for (const c of this.#consumers.values()) {
          if (c.producerId !== n.producerId) continue;
          c.close();
          this.#consumers.delete(c.id);
          this.#videoAsk.delete(c.id);
        }
        this.remote.value = this.remote.value.filter((r) => r.producerId !== n.producerId);
        for (const [source, p] of this.#producers) {
          if (p.id !== n.producerId) continue;
          // Our own producer is gone on the server (a worker died, or our grant was revoked:
          // grantChanged says which). The track is kept until the grant says we may not speak.
          p.close();
          this.#producers.delete(source);
          this.#syncPublished();
        }
        return;
      case "producerPaused":
      case "producerResumed": {
        const paused = n.type === "producerPaused";
        this.remote.value = this.remote.value.map((r) => (r.producerId === n.producerId ? { ...r, paused } : r));
        return;
      }
      case "grantChanged":
        this.grant.value = { canSpeak: n.canSpeak, muted: n.muted, video: n.video };
        if (!n.canSpeak) {
          for (const source of [...this.#wanted.keys()]) await this.unpublish(source);
        } else {
          if (n.muted) this.#producers.get("mic")?.pause();
          // The SFU has closed the camera: let it go here too, so its light goes off.
          if (!n.video && this.#wanted.has("camera")) await this.unpublish("camera");
        }
        this.#syncPublished();
        return;
      case "speaking":
        this.speaking.value = n.subs;
        return;
      case "reconnect":
        this.#rebuildLater();
        return;
    }
  }

  /**
   * Starts sending a track; paused means produced but silent (a muted speaker). One publish at a
   * time: a second one while the first waits for its transport or its `produce` (a ringing call's
   * silence, then the microphone of the Accept tap) made a second send transport or a second
   * producer of one source, and the other side heard neither (Firefox callee, 1 call in 8).
   */
  publish(track: MediaStreamTrack, source: MediaSource, paused = false, options?: PublishOptions): Promise<void> {
    this.#wanted.set(source, { track, paused, options });
    const run = this.#publishing.then(() => this.#publish(source));
    this.#publishing = run.catch(() => {});
    return run;
  }

  async #publish(source: MediaSource): Promise<void> {
    // What is wanted now: a later publish of this source may have changed it while this one waited.
    const want = this.#wanted.get(source);
    if (!want) return;
    const { track, paused, options } = want;
    if (!this.#device || !this.#sig || !this.#ready) return;
    // Torn down while it waited: the next connection's build publishes what is wanted then.
    const gen = this.#generation;
    const stale = () => this.#overtaken(gen);
    if (!this.#send) {
      const device = this.#device;
      const info = await (this.#sendInfo ?? this.#sig.request("createTransport", { direction: "send" }));
      if (stale()) return;
      this.#sendInfo = null;
      this.#send = this.#transport(
        device.createSendTransport(
          transportOptions(info, this.#ice, this.#preferTcp, this.opts.frames?.transportSettings),
        ),
      );
      this.#send.on("produce", ({ kind, rtpParameters, appData }, ok, fail) => {
        this.#sig!.request("produce", {
          transportId: this.#send!.id,
          kind,
          rtpParameters: rtpParameters as never,
          appData: { source: (appData as { source: MediaSource }).source },
        }).then(({ producerId }) => ok({ id: producerId }), fail);
      });
    }
    const existing = this.#producers.get(source);
    if (existing) {
      await existing.replaceTrack({ track });
      return paused ? this.pause(source) : this.resume(source);
    }
    const producer = await this.#send.produce({
      track,
      appData: { source },
      stopTracks: false,
      ...(this.opts.frames &&
        { onRtpSender: (s: RTCRtpSender) => this.opts.frames!.sender(s, track.kind as "audio" | "video") }),
      ...(source === "mic"
        ? {
          codecOptions: {
            opusStereo: false,
            opusDtx: true,
            opusFec: true,
            // mediasoup-client strips NACK from Opus unless asked: without it the SFU cannot ask
            // for a packet lost on the way up, and the browser would not send it again.
            opusNack: true,
            ...(this.opts.opusPtime && { opusPtime: this.opts.opusPtime }),
          },
        }
        : {}),
      ...(options?.encodings && { encodings: options.encodings }),
    });
    if (stale()) return void producer.close();
    this.#producers.set(source, producer);
    if (paused) await this.pause(source);
    this.#syncPublished();
  }

  async pause(source: MediaSource) {
    const p = this.#producers.get(source);
    const w = this.#wanted.get(source);
    if (w) w.paused = true;
    if (!p) return;
    p.pause();
    await this.#sig?.request("pauseProducer", { producerId: p.id }).catch(() => {});
    this.#syncPublished();
  }

  /** Resumes sending; the SFU refuses while the room has this person muted. */
  async resume(source: MediaSource) {
    const p = this.#producers.get(source);
    const w = this.#wanted.get(source);
    if (w) w.paused = false;
    if (!p) return;
    await this.#sig!.request("resumeProducer", { producerId: p.id });
    p.resume();
    this.#syncPublished();
  }

  async unpublish(source: MediaSource) {
    this.#wanted.delete(source);
    const p = this.#producers.get(source);
    if (!p) return;
    this.#producers.delete(source);
    p.track?.stop();
    p.close();
    await this.#sig?.request("closeProducer", { producerId: p.id }).catch(() => {});
    this.#syncPublished();
  }

  /**
   * Asks the SFU for one video consumer: off (paused: no bytes), or on at a spatial layer (0 is
   * the smallest; clamped to what the sender offers). Only changes are sent.
   */
  async wantVideo(consumerId: string, on: boolean, layer = 0): Promise<void> {
    const was = this.#videoAsk.get(consumerId);
    if (!was || !this.#sig) return;
    const r = this.remote.value.find((x) => x.consumerId === consumerId);
    const top = Math.max(0, (r?.layers?.spatial ?? 1) - 1);
    const want = { on, layer: Math.min(Math.max(0, layer), top), ready: was.ready };
    if (was.on === want.on && (!on || was.layer === want.layer)) return;
    this.#videoAsk.set(consumerId, want);
    const sig = this.#sig;
    try {
      await was.ready;
      if (on && was.layer !== want.layer && (r?.layers?.spatial ?? 1) > 1) {
        await sig.request("setConsumerLayers", { consumerId, spatialLayer: want.layer });
      }
      if (on !== was.on) await sig.request(on ? "resumeConsumer" : "pauseConsumer", { consumerId });
    } catch (e) {
      // Asked again at the next change (a refused or rate-limited ask leaves the old state).
      this.#videoAsk.set(consumerId, was);
      console.warn("video request refused:", e);
    }
  }

  #syncPublished() {
    const out: Partial<Record<MediaSource, { producerId: string; paused: boolean }>> = {};
    for (const [s, p] of this.#producers) out[s] = { producerId: p.id, paused: p.paused };
    this.published.value = out;
  }

  /**
   * New relay credentials for the open transports, taken up by an ICE restart: the browser makes
   * new allocations with them, so that every later one (the media watch's ICE restarts, a network
   * change) is made with credentials the relay still accepts.
   */
  async #refreshIce(): Promise<IceConfig | undefined> {
    const sig = this.#sig;
    const { ice } = await this.opts.credentials();
    if (!ice || !sig || this.#sig !== sig || this.#closed) return undefined;
    this.#ice = ice;
    await Promise.all(
      [this.#send, this.#recv].filter((t) => t && !t.closed).map(async (t) => {
        await t!.updateIceServers({ iceServers: ice.iceServers });
        const { iceParameters } = await sig.request("restartIce", { transportId: t!.id });
        await t!.restartIce({ iceParameters });
      }),
    );
    return ice;
  }

  #teardown() {
    this.#generation++;
    this.#iceRefresh.stop();
    this.#ready = false;
    this.#sendInfo = null;
    // A publish still waiting on this connection's socket must not hold up the next connection's.
    this.#publishing = Promise.resolve();
    this.#watch?.stop();
    this.#watch = null;
    for (const c of this.#consumers.values()) c.close();
    this.#consumers.clear();
    this.#goneProducers.clear();
    this.#videoAsk.clear();
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    this.#send?.close();
    this.#recv?.close();
    this.#send = this.#recv = null;
    this.#device = null;
    const sig = this.#sig;
    this.#sig = null;
    sig?.close();
    this.remote.value = [];
    this.speaking.value = [];
    this.#syncPublished();
  }

  /**
   * A call's page saw the call answered: the SFU, which held what both pages sent while it rang,
   * asks the call room and lets it flow. Before the first connection is up there is nothing to
   * say: its `consume` asks the same.
   */
  async answered(): Promise<void> {
    this.#awaitingAnswer = false;
    await this.#sig?.request("callAnswered", {}).catch((e) => console.warn("callAnswered:", e));
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#wanted.values()) w.track.stop();
    this.#wanted.clear();
    this.#teardown();
    this.state.value = "closed";
  }
}

export { SfuRequestError };
