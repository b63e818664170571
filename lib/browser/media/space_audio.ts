// SpaceAudio: what a Space page does with media. Everyone hears the stage (with one "Tap to
// listen" when the browser blocks autoplay); a speaker's microphone is asked for only when they
// first unmute, and follows the room's decisions as the SFU relays them.
import { effect, signal } from "@preact/signals";
import { type SfuCredentials, SfuSession } from "./sfu_session.ts";
import { SpaceVideo } from "./space_video.ts";

/** Why the microphone is not on air: not allowed, no device, or the SFU did not take it. */
export type MicProblem = "denied" | "unavailable" | "notSent" | null;

export class SpaceAudio {
  readonly session: SfuSession;
  /** Cameras: sending one's own, and the stage's tiles receiving on demand. */
  readonly video: SpaceVideo;
  readonly needsTap = signal(false);
  readonly micProblem = signal<MicProblem>(null);
  readonly inputs = signal<{ deviceId: string; label: string }[]>([]);
  readonly inputId = signal<string | null>(null);
  #players = new Map<string, HTMLAudioElement>();
  #micTrack: MediaStreamTrack | null = null;
  #stopEffects: (() => void)[] = [];
  /** The person asked to unmute, and the microphone is to go on air once the room agrees. */
  readonly #resumeWanted = signal(false);

  constructor(credentials: () => Promise<SfuCredentials>) {
    this.session = new SfuSession({ credentials, receive: true, videoOnDemand: true, opusPtime: 60 });
    this.video = new SpaceVideo(this.session);
    this.#stopEffects.push(effect(() => this.#syncPlayers()));
    // The person asked to unmute (unmuteAsked) and the room agreed: let the microphone through.
    // Only then: a mute of ours pauses the microphone before the room has heard of it, and the
    // grant still saying "unmuted" in that moment must not put it back on air.
    this.#stopEffects.push(effect(() => {
      const g = this.session.grant.value;
      const mic = this.session.published.value.mic;
      if (this.#resumeWanted.value && g && g.canSpeak && !g.muted && mic?.paused) {
        this.#resumeWanted.value = false;
        this.session.resume("mic").catch(() => {});
      }
    }));
  }

  async start(): Promise<void> {
    // Joining (the device, the transports) starts in a task of its own, not in the one that just
    // evaluated the media code: each alone holds the page's main thread half as long. (A timeout,
    // not lib/browser/yield.ts: importing that here would split it into a file of its own.)
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.session.start();
  }

  #syncPlayers() {
    const tracks = this.session.remote.value.filter((r) => r.kind === "audio");
    const live = new Set(tracks.map((r) => r.consumerId));
    for (const [id, el] of this.#players) {
      if (!live.has(id)) {
        el.srcObject = null;
        this.#players.delete(id);
      }
    }
    for (const r of tracks) {
      if (this.#players.has(r.consumerId)) continue;
      const el = new Audio();
      el.autoplay = true;
      el.srcObject = new MediaStream([r.track]);
      this.#players.set(r.consumerId, el);
      el.play().catch((e) => {
        if ((e as Error).name === "NotAllowedError") this.needsTap.value = true;
      });
    }
  }

  /** Called from a tap: browsers allow playback started by a gesture. */
  async tapToListen(): Promise<void> {
    await Promise.all([...this.#players.values()].map((el) => el.play().catch(() => {})));
    this.needsTap.value = false;
  }

  /**
   * Gets the microphone and publishes it, silent unless `live` (a reload of a page whose person
   * was unmuted: the room still has them on air); false (with the reason set) when refused.
   */
  async ensureMic(live = false): Promise<boolean> {
    if (this.session.published.value.mic || this.#micTrack?.readyState === "live") return true;
    this.micProblem.value = null;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          ...(this.inputId.value ? { deviceId: { exact: this.inputId.value } } : {}),
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: true,
        },
      });
    } catch (e) {
      const name = (e as Error).name;
      this.micProblem.value = name === "NotAllowedError" || name === "SecurityError" ? "denied" : "unavailable";
      return false;
    }
    const track = stream.getAudioTracks()[0];
    this.#micTrack = track;
    this.inputId.value = track.getSettings().deviceId ?? null;
    // Sent as soon as the SFU connection is up (at once when it already is).
    try {
      await this.session.publish(track, "mic", !live);
    } catch {
      // The SFU refused or the connection dropped: nothing is on air, and the next try starts over.
      track.stop();
      this.#micTrack = null;
      await this.session.unpublish("mic").catch(() => {});
      this.micProblem.value = "notSent";
      return false;
    }
    await this.#listInputs();
    return true;
  }

  async #listInputs() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    this.inputs.value = devices.filter((d) => d.kind === "audioinput").map((d, i) => ({
      deviceId: d.deviceId,
      label: d.label || `Microphone ${i + 1}`,
    }));
  }

  /** Switches microphones without leaving the stage. */
  async chooseInput(deviceId: string): Promise<void> {
    this.inputId.value = deviceId;
    const mic = this.session.published.value.mic;
    if (!mic) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
    await this.session.publish(stream.getAudioTracks()[0], "mic", mic.paused);
  }

  /** The person asked the room to unmute them: once it agrees, the microphone goes on air. */
  unmuteAsked(): void {
    this.#resumeWanted.value = true;
  }

  async muteMic(): Promise<void> {
    this.#resumeWanted.value = false;
    await this.session.pause("mic");
  }

  async releaseMic(): Promise<void> {
    this.#micTrack?.stop();
    this.#micTrack = null;
    await this.session.unpublish("mic");
  }

  close() {
    for (const stop of this.#stopEffects) stop();
    for (const el of this.#players.values()) el.srcObject = null;
    this.#players.clear();
    this.video.close();
    this.session.close();
  }
}
