// A real WebRTC peer in Node: mediasoup-client on @roamhq/wrtc (libwebrtc), so every test that
// says "a listener hears the speaker" runs ICE, DTLS and SRTP for real, like a browser would.
// It follows the protocol the browser client follows, including rebuilding on `reconnect`.
import { createRequire } from "node:module";
import type { SfuNotification } from "../../../lib/protocol/sfu.ts";
import { SignalClient } from "./signal-client.ts";

const require = createRequire(import.meta.url);
const wrtc = require("@roamhq/wrtc");
for (const k of ["RTCPeerConnection", "RTCSessionDescription", "RTCIceCandidate", "MediaStream", "MediaStreamTrack"]) {
  (globalThis as Record<string, unknown>)[k] ??= wrtc[k];
}
// wrtc's audio sources crash (SIGSEGV) in the addon's teardown when Node exits on its own;
// exiting from the 'exit' event skips that teardown and keeps the exit code the tests set.
process.once("exit", (code) => process.exit(code));
const { Device } = await import("mediasoup-client");
/** The SSRC mediasoup sends its bandwidth-probe padding on (RTP_PROBATOR_SSRC in mediasoup and mediasoup-client). */
const PROBATOR_SSRC = 1234;
type Device = InstanceType<typeof Device>;
type Transport = ReturnType<Device["createSendTransport"]>;
type Producer = Awaited<ReturnType<Transport["produce"]>>;
type Consumer = Awaited<ReturnType<Transport["consume"]>>;

/** A 440 Hz tone, 10 ms frames, as a microphone would deliver it. */
function toneSource(): { track: MediaStreamTrack; stop(): void } {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const samples = new Int16Array(480);
  let t = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 480; i++, t++) samples[i] = Math.round(9000 * Math.sin((2 * Math.PI * 440 * t) / 48000));
    source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  const track = source.createTrack();
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}

/**
 * A camera: 640x360 frames at 15 fps with a moving pattern, so the encoder has something to send.
 * (libwebrtc sends two of the three simulcast streams at this size; the SFU still sees three.)
 */
function cameraSource(width = 640, height = 360): { track: MediaStreamTrack; stop(): void } {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const data = new Uint8ClampedArray((width * height * 3) / 2);
  let n = 0;
  const timer = setInterval(() => {
    n++;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x + y + n * 4) & 0xff;
    data.fill(128, width * height);
    source.onFrame({ width, height, data });
  }, 66);
  const track = source.createTrack();
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}

/** Three simulcast streams, smallest first, as a browser client sends a camera. */
export const SIMULCAST = [
  { rid: "r0", scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: "r1", scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: "r2", scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

export class MediaPeer {
  readonly signal: SignalClient;
  readonly device: Device;
  sendTransport: Transport | null = null;
  recvTransport: Transport | null = null;
  producer: Producer | null = null;
  cameraProducer: Producer | null = null;
  /** consumerReady for a new video consumer says `paused: true` (a tile not shown yet). */
  videoReadyPaused = false;
  readonly consumers = new Map<string, Consumer>();
  /** Every port the SFU offered in ICE candidates: the only addresses this peer should ever reach. */
  readonly sfuPorts: number[] = [];
  #speaking = false;
  #listening = false;
  #tone = toneSource();
  #camera: ReturnType<typeof cameraSource> | null = null;
  #rebuilding: Promise<void> = Promise.resolve();
  /**
   * Every track clone handed to libwebrtc, kept until close(): a refused produce leaves its clone
   * unreferenced, and a wrtc object finalised by Node's GC while libwebrtc's threads may still hold
   * it is one way this addon crashes (one unexplained SIGSEGV under the full run's load).
   */
  readonly #clones: MediaStreamTrack[] = [];

  private constructor(signal: SignalClient, device: Device) {
    this.signal = signal;
    this.device = device;
    signal.onNotification((n) => this.#onNotification(n));
  }

  static async join(wsUrl: string): Promise<MediaPeer> {
    const signal = await SignalClient.connect(wsUrl);
    const device = new Device({ handlerName: "Chrome74" });
    const { rtpCapabilities } = await signal.request("getRouterRtpCapabilities", {});
    await device.load({ routerRtpCapabilities: rtpCapabilities as never });
    return new MediaPeer(signal, device);
  }

  async #transport(direction: "send" | "recv"): Promise<Transport> {
    const info = await this.signal.request("createTransport", { direction });
    this.sfuPorts.push(...info.iceCandidates.map((c) => c.port));
    const options = {
      id: info.transportId,
      iceParameters: info.iceParameters,
      iceCandidates: info.iceCandidates,
      dtlsParameters: info.dtlsParameters,
    } as never;
    const transport = direction === "send"
      ? this.device.createSendTransport(options)
      : this.device.createRecvTransport(options);
    transport.on("connect", ({ dtlsParameters }, done, fail) => {
      this.signal.request("connectTransport", { transportId: transport.id, dtlsParameters: dtlsParameters as never })
        .then(() => done(), fail);
    });
    transport.on("produce", ({ kind, rtpParameters, appData }, done, fail) => {
      this.signal
        .request("produce", {
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as never,
          appData: appData as never,
        })
        .then(({ producerId }) => done({ id: producerId }), fail);
    });
    return transport;
  }

  #clone(track: MediaStreamTrack): MediaStreamTrack {
    const clone = track.clone();
    this.#clones.push(clone);
    return clone;
  }

  /** Goes on air with the tone; rejects when the SFU refuses (no grant). */
  async speak(): Promise<Producer> {
    this.#speaking = true;
    this.sendTransport ??= await this.#transport("send");
    this.producer = await this.sendTransport.produce({
      track: this.#clone(this.#tone.track),
      codecOptions: { opusStereo: false, opusDtx: true, opusFec: true },
      appData: { source: "mic" },
    });
    return this.producer;
  }

  /** Turns the camera on with three simulcast encodings; rejects when the SFU refuses. */
  async camera(source: "camera" | "mic" = "camera", encodings = SIMULCAST): Promise<Producer> {
    this.sendTransport ??= await this.#transport("send");
    this.#camera ??= cameraSource();
    this.cameraProducer = await this.sendTransport.produce({
      track: this.#clone(this.#camera.track),
      encodings,
      codecOptions: { videoGoogleStartBitrate: 1000 },
      appData: { source },
    });
    return this.cameraProducer;
  }

  /** Receives every producer in the room, now and later. */
  async listen(): Promise<void> {
    this.#listening = true;
    this.recvTransport ??= await this.#transport("recv");
    await this.signal.request("consume", { rtpCapabilities: this.device.rtpCapabilities as never });
  }

  async #onNotification(n: SfuNotification): Promise<void> {
    if (n.type === "newConsumer") {
      const transport = this.recvTransport;
      if (!transport) return;
      const consumer = await transport.consume({
        id: n.consumerId,
        producerId: n.producerId,
        kind: n.kind,
        rtpParameters: n.rtpParameters as never,
      });
      this.consumers.set(n.producerId, consumer);
      const paused = n.kind === "video" && this.videoReadyPaused;
      await this.signal.request("consumerReady", { consumerId: n.consumerId, ...(paused ? { paused } : {}) });
    } else if (n.type === "producerClosed") {
      this.consumers.get(n.producerId)?.close();
      this.consumers.delete(n.producerId);
    } else if (n.type === "reconnect") {
      this.#rebuilding = this.#rebuilding.then(() => this.#rebuild());
    }
  }

  async #rebuild(): Promise<void> {
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = this.recvTransport = this.producer = null;
    if (this.#listening) await this.listen();
    if (this.#speaking) await this.speak().catch(() => {});
  }

  /** Resolves once a `reconnect` already received has been acted on (fresh transports, consumers). */
  rebuilt(): Promise<void> {
    return this.#rebuilding;
  }

  /** Ports of the remote ICE candidates the peer connections actually know of. */
  async remoteCandidatePorts(): Promise<number[]> {
    const ports: number[] = [];
    for (const t of [this.sendTransport, this.recvTransport]) {
      if (!t || t.closed) continue;
      for (const s of (await t.getStats()).values()) if (s.type === "remote-candidate") ports.push(s.port);
    }
    return ports;
  }

  /** Bytes of RTP received on the receive transport, as the browser's inbound-rtp stats count them. */
  inboundBytes(kind?: "audio" | "video"): Promise<number> {
    return this.#rtpBytes(this.recvTransport, "inbound-rtp", "bytesReceived", kind);
  }

  outboundBytes(): Promise<number> {
    return this.#rtpBytes(this.sendTransport, "outbound-rtp", "bytesSent");
  }

  // The transport's own peer-connection stats: wrtc has no per-receiver getStats.
  async #rtpBytes(transport: Transport | null, type: string, field: string, kind?: string): Promise<number> {
    if (!transport || transport.closed) return 0;
    let total = 0;
    for (const s of (await transport.getStats()).values()) {
      // mediasoup's bandwidth probe arrives as padding on its own SSRC (the "probator"), never media.
      if (s.ssrc === PROBATOR_SSRC) continue;
      if (s.type === type && (!kind || (s.kind ?? s.mediaType) === kind)) total += s[field] ?? 0;
    }
    return total;
  }

  /** Sources stop first (no frame arrives while things close), then consumers, producers, transports. */
  close(): void {
    this.#tone.stop();
    this.#camera?.stop();
    for (const c of this.consumers.values()) c.close();
    this.producer?.close();
    this.cameraProducer?.close();
    this.sendTransport?.close();
    this.recvTransport?.close();
    for (const t of this.#clones) t.stop();
    this.signal.close();
  }
}
