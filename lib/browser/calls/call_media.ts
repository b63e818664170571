// CallMedia: what a call page does with media, framework-free, as signals. It joins the call's
// SFU room `c_<callId>` through SfuSession (lib/browser/media/) with a token the web mints for the
// two people of a ringing or answered call, sends the microphone (and the camera for a video
// call), plays the other side, and offers mute, camera on/off, switch camera, output device and a
// quality reading. It starts while the call rings: the SFU holds everything both pages send until
// the call room says answered; a callee's ringing page is `held` (silence, no microphone) until
// its Accept.
// The other side's sound plays from an <audio> element of its own that no page holds, so it goes
// on while the person browses other pages of the app.
import { computed, effect, signal } from "@preact/signals";
import { api } from "../api_client.ts";
import { CallMediaAccess } from "../../protocol/api.ts";
import { type FrameHooks, SfuSession } from "../media/sfu_session.ts";
import { takeMediaAccess } from "./call_client.ts";
import { type Quality, QualityMeter, type QualitySample, recordPeerConnections, SAMPLES_KEPT } from "./call_quality.ts";

export type MediaProblem = "denied" | "failed" | null;

const QUALITY_EVERY_MS = 2_000;

export class CallMedia {
  readonly session: SfuSession;
  readonly micOn = signal(true);
  readonly cameraOn = signal(false);
  readonly localVideo = signal<MediaStreamTrack | null>(null);
  readonly problem = signal<MediaProblem>(null);
  /** The last minute of quality samples, oldest first. */
  readonly samples = signal<QualitySample[]>([]);
  readonly quality = computed<Quality>(() => this.samples.value.at(-1)?.quality ?? "unknown");
  /** The browser held the other side's sound until a tap. */
  readonly needsTap = signal(false);
  readonly outputs = signal<{ deviceId: string; label: string }[]>([]);
  readonly outputId = signal<string>("");
  readonly cameras = signal<string[]>([]);
  /** The other person's tracks (the SFU only ever gives us theirs). */
  readonly remoteAudio = computed(() => this.session.remote.value.find((r) => r.kind === "audio")?.track ?? null);
  readonly remoteVideo = computed(() => {
    const v = this.session.remote.value.find((r) => r.kind === "video");
    return v && !v.paused ? v.track : null;
  });
  #player: HTMLAudioElement = new Audio();
  #stopPlayer: () => void;
  #recorder = recordPeerConnections();
  #meter = new QualityMeter();
  #timer: ReturnType<typeof setInterval> | undefined;
  #cameraIndex = 0;
  #rounds = 0;
  #closed = false;
  /** Connected while it rings, sending silence (start(true)), until answer(). */
  #held = false;
  #answered = false;
  /** The microphone's track, once asked for. */
  #mic: MediaStreamTrack | null = null;
  /** What makes the held silence. */
  #silence: AudioContext | null = null;

  /** `frames`: the call's end-to-end encryption (call_e2ee.ts) on every sender and receiver. */
  constructor(readonly callId: string, readonly video: boolean, frames?: FrameHooks | null) {
    this.session = new SfuSession({
      frames,
      receive: true,
      send: true,
      // Started while the call rings: held on the SFU until answered() (see start()).
      untilAnswered: true,
      // A conversation: at most 200 ms more delay to let a lost packet come back on a lossy path.
      jitterCapMs: 200,
      credentials: async () => {
        // The first connection takes what was fetched while the call rang; every later one asks anew.
        const prefetched = await takeMediaAccess(callId);
        if (prefetched) {
          performance.mark("spazio:call-token");
          return prefetched;
        }
        const r = await api("POST", `/api/calls/${encodeURIComponent(callId)}/media`, CallMediaAccess);
        if (!r.ok) throw new Error(r.code);
        performance.mark("spazio:call-token");
        return r.data;
      },
    });
    this.#player.autoplay = true;
    this.#stopPlayer = effect(() => {
      const track = this.remoteAudio.value;
      this.#player.srcObject = track ? new MediaStream([track]) : null;
      if (track) {
        this.#player.play().then(() => (this.needsTap.value = false))
          .catch((e) => (this.needsTap.value = (e as Error).name === "NotAllowedError"));
      }
    });
  }

  /** Called from a tap: browsers allow playback a gesture started. */
  async tapToHear(): Promise<void> {
    await this.#player.play().catch(() => {});
    this.needsTap.value = this.#player.paused;
  }

  /** Where the other side's sound plays (setSinkId: Chromium, Firefox). */
  async setOutput(deviceId: string): Promise<void> {
    const el = this.#player as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    await el.setSinkId?.(deviceId);
    this.outputId.value = deviceId;
  }

  /**
   * Connects and goes on air. `held`: a callee's page while it still rings: it connects, consumes
   * and sends silence (no microphone is asked for before the answer), all of it held on the SFU,
   * so that `answer()` finds its transports up and only swaps the microphone in.
   */
  async start(held = false): Promise<void> {
    // The connection to the SFU (and the other side's sound) does not wait for the microphone:
    // a first call's permission prompt, or a slow device, overlaps the join instead of preceding it.
    void this.session.start();
    if (!held) return this.#goLive();
    this.#held = true;
    const ctx = this.#silence = new AudioContext();
    const silent = ctx.createMediaStreamDestination().stream.getAudioTracks()[0];
    await this.session.ready;
    if (this.#held && !this.#closed) await this.session.publish(silent, "mic").catch(() => {});
  }

  /** A held page goes live (the callee's Accept tap): the microphone replaces the silence. */
  answer(): void {
    if (!this.#held || this.#closed) return;
    this.#held = false;
    void this.tapToHear(); // the Accept tap lets it play
    void this.#goLive();
  }

  /** The call room says answered: the SFU is told, and lets flow what it held (once). */
  answered(): void {
    if (this.#answered || this.#closed) return;
    this.#answered = true;
    void this.session.answered();
  }

  async #goLive(): Promise<void> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: this.video ? { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } } : false,
      });
    } catch (e) {
      const name = (e as Error).name;
      this.problem.value = name === "NotAllowedError" || name === "SecurityError" ? "denied" : "failed";
      return;
    }
    if (this.#closed) return void stream.getTracks().forEach((t) => t.stop());
    this.#mic = stream.getAudioTracks()[0] ?? null;
    // Seen at once (the ringing screen's self-view), before it goes on air.
    const cam = stream.getVideoTracks()[0];
    if (cam && !this.#closed) this.localVideo.value = cam;
    try {
      // On air as soon as the transports are made, while the SFU answers `consume`.
      await this.session.ready;
      if (this.#closed) return void stream.getTracks().forEach((t) => t.stop());
      // Replaces the held silence, if any, on the same sender.
      await this.session.publish(stream.getAudioTracks()[0], "mic");
      this.#closeSilence();
      if (cam) await this.#useCamera(cam);
    } catch {
      this.problem.value = "failed";
      return;
    }
    this.#timer = setInterval(async () => {
      const sample = await this.#meter.measure(this.#recorder.pcs()).catch(() => null);
      // The first round has nothing to compare with: its rates would read as a drop to zero.
      if (sample && !this.#closed && this.#rounds++ > 0) {
        this.samples.value = [...this.samples.value, sample].slice(-SAMPLES_KEPT);
      }
    }, QUALITY_EVERY_MS);
    await this.#listDevices();
  }

  #closeSilence() {
    void this.#silence?.close().catch(() => {});
    this.#silence = null;
  }

  async #useCamera(track: MediaStreamTrack) {
    const old = this.localVideo.value;
    await this.session.publish(track, "camera");
    if (old && old !== track) old.stop();
    this.localVideo.value = track;
    this.cameraOn.value = true;
  }

  async #listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    this.cameras.value = devices.filter((d) => d.kind === "videoinput").map((d) => d.deviceId);
    // Choosing the output needs setSinkId (Chromium, Firefox); elsewhere the system decides.
    if ("setSinkId" in HTMLMediaElement.prototype) {
      this.outputs.value = devices.filter((d) => d.kind === "audiooutput")
        .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Output ${i + 1}` }));
    }
  }

  async toggleMic() {
    const on = !this.micOn.value;
    if (on) await this.session.resume("mic");
    else await this.session.pause("mic");
    this.micOn.value = on;
  }

  /** Camera off stops sending (and the light); on again asks for it afresh, also in an audio call. */
  async toggleCamera() {
    if (this.cameraOn.value) {
      await this.session.unpublish("camera");
      this.localVideo.value?.stop();
      this.localVideo.value = null;
      this.cameraOn.value = false;
      return;
    }
    const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } }).catch(() => null);
    if (!s) return void (this.problem.value = "denied");
    await this.#useCamera(s.getVideoTracks()[0]);
    await this.#listDevices();
  }

  /** The next camera (front/back on a phone): the producer keeps going with the new track. */
  async switchCamera() {
    const cams = this.cameras.value;
    if (!this.cameraOn.value || cams.length < 2) return;
    this.#cameraIndex = (this.#cameraIndex + 1) % cams.length;
    this.localVideo.value?.stop();
    const s = await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: cams[this.#cameraIndex] } } })
      .catch(() => null);
    if (s) await this.#useCamera(s.getVideoTracks()[0]);
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#stopPlayer();
    this.#player.pause();
    this.#player.srcObject = null;
    this.localVideo.value?.stop();
    this.#mic?.stop(); // also when the session had closed before it went on air
    this.session.close();
    this.#closeSilence();
    this.#recorder.stop();
  }
}
