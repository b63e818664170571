// SpaceVideo: cameras in a Space. A person on stage turns the camera on only while the room
// grants video (the host allowed it); it is sent in three simulcast layers so that each listener
// receives the one that fits the tile it is shown in. Receiving is on demand: a video consumer
// stays paused on the SFU until a tile on screen asks for it, and "audio only" (remembered)
// receives none. Video never holds up audio: both ride the same transport, audio first.
import { effect, signal } from "@preact/signals";
import type { SfuSession } from "./sfu_session.ts";

export type CameraState = "off" | "starting" | "on";
export type CameraProblem = "denied" | "unavailable" | null;

const AUDIO_ONLY_KEY = "spazio.audioOnly";

/**
 * Three layers: a thumbnail, a phone-sized tile and the full picture. Bitrates follow what
 * mediasoup's demo and LiveKit's defaults send for 180p / 360p / 720p.
 */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: "r0", scaleResolutionDownBy: 4, maxBitrate: 150_000, maxFramerate: 15 },
  { rid: "r1", scaleResolutionDownBy: 2, maxBitrate: 500_000, maxFramerate: 30 },
  { rid: "r2", scaleResolutionDownBy: 1, maxBitrate: 1_200_000, maxFramerate: 30 },
];

/**
 * The spatial layer for a tile `cssWidth` wide: the smallest that a 1280x720 camera's layers
 * (320, 640, 1280 wide) draw at most ~12% enlarged, which the eye does not see on a tile.
 */
export function layerForWidth(cssWidth: number, dpr = 1): number {
  const px = cssWidth * dpr;
  if (px <= 360) return 0;
  if (px <= 720) return 1;
  return 2;
}

interface TileAsk {
  visible: boolean;
  width: number;
}

export class SpaceVideo {
  readonly camera = signal<CameraState>("off");
  readonly problem = signal<CameraProblem>(null);
  /** The camera being sent, for the mirrored self-view. */
  readonly localTrack = signal<MediaStreamTrack | null>(null);
  readonly cameras = signal<{ deviceId: string; label: string }[]>([]);
  readonly cameraId = signal<string | null>(null);
  readonly audioOnly = signal(false);
  #facing: "user" | "environment" = "user";
  #tiles = new Map<string, TileAsk>();
  #stops: (() => void)[] = [];
  #onVisibility = () => this.#applyAll();

  constructor(private readonly session: SfuSession) {
    try {
      this.audioOnly.value = localStorage.getItem(AUDIO_ONLY_KEY) === "1";
    } catch { /* storage refused: not remembered */ }
    document.addEventListener("visibilitychange", this.#onVisibility);
    // The room took the grant away (video off, off the stage, removed): the SFU closed the
    // camera, and the light goes off here.
    this.#stops.push(effect(() => {
      const g = session.grant.value;
      if (g && !g.video && this.camera.peek() !== "off") this.#release();
    }));
    // A consumer that arrives for a tile already on screen (or a rebuild) is asked for at once.
    this.#stops.push(effect(() => {
      void session.remote.value;
      this.#applyAll();
    }));
  }

  /** Asks for the camera (only now, from the person's tap) and sends it. */
  async start(deviceId?: string): Promise<boolean> {
    if (this.camera.value !== "off" && !deviceId) return true;
    this.problem.value = null;
    this.camera.value = "starting";
    let track: MediaStreamTrack;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: {
          ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: this.#facing }),
          width: { ideal: 1280 },
          height: { ideal: 720 },
          frameRate: { ideal: 30 },
        },
      });
      track = stream.getVideoTracks()[0];
    } catch (e) {
      const name = (e as Error).name;
      this.problem.value = name === "NotAllowedError" || name === "SecurityError" ? "denied" : "unavailable";
      if (!this.localTrack.value) this.camera.value = "off";
      else this.camera.value = "on";
      return false;
    }
    // The grant may have gone while the browser asked.
    if (this.session.grant.value && !this.session.grant.value.video) {
      track.stop();
      this.camera.value = "off";
      return false;
    }
    const old = this.localTrack.value;
    try {
      await this.session.publish(track, "camera", false, { encodings: CAMERA_ENCODINGS });
    } catch (e) {
      track.stop();
      console.error("sending the camera failed:", e);
      this.problem.value = "unavailable";
      this.camera.value = old ? "on" : "off";
      return false;
    }
    if (old && old !== track) old.stop();
    this.localTrack.value = track;
    this.cameraId.value = track.getSettings().deviceId ?? null;
    const facing = track.getSettings().facingMode;
    if (facing === "user" || facing === "environment") this.#facing = facing;
    this.camera.value = "on";
    await this.#listCameras();
    return true;
  }

  async stop(): Promise<void> {
    await this.session.unpublish("camera");
    this.#release();
  }

  /** Front/back on a phone, or the next camera elsewhere; the producer keeps going. */
  async flip(): Promise<void> {
    const cams = this.cameras.value;
    if (this.camera.value !== "on" || cams.length < 2) return;
    this.#facing = this.#facing === "user" ? "environment" : "user";
    const i = cams.findIndex((c) => c.deviceId === this.cameraId.value);
    await this.start(cams[(i + 1) % cams.length].deviceId);
  }

  async choose(deviceId: string): Promise<void> {
    if (this.camera.value === "on") await this.start(deviceId);
    else this.cameraId.value = deviceId;
  }

  setAudioOnly(on: boolean) {
    this.audioOnly.value = on;
    try {
      localStorage.setItem(AUDIO_ONLY_KEY, on ? "1" : "0");
    } catch { /* not remembered */ }
    this.#applyAll();
  }

  /** A tile reports whether it is on screen and how wide it is drawn. */
  tile(consumerId: string, ask: TileAsk | null) {
    if (ask) this.#tiles.set(consumerId, ask);
    else this.#tiles.delete(consumerId);
    this.#apply(consumerId);
  }

  #apply(consumerId: string) {
    const ask = this.#tiles.get(consumerId);
    const on = !!ask && ask.visible && !this.audioOnly.value && document.visibilityState === "visible";
    const layer = ask ? layerForWidth(ask.width, globalThis.devicePixelRatio || 1) : 0;
    void this.session.wantVideo(consumerId, on, layer);
  }

  #applyAll() {
    for (const r of this.session.remote.peek()) if (r.kind === "video") this.#apply(r.consumerId);
  }

  #release() {
    this.localTrack.value?.stop();
    this.localTrack.value = null;
    this.camera.value = "off";
  }

  async #listCameras() {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    this.cameras.value = devices.filter((d) => d.kind === "videoinput").map((d, i) => ({
      deviceId: d.deviceId,
      label: d.label || `Camera ${i + 1}`,
    }));
  }

  close() {
    for (const stop of this.#stops) stop();
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#release();
  }
}
