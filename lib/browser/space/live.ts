// The Space a person is in, owned by the page rather than by the Space screen: it keeps its room
// connection and its media while the person browses other pages (partial navigation swaps only
// the page's content), until they leave. The Space screen reads it, and so does the docked player
// (islands/NowPlaying.tsx) through lib/browser/now_playing.ts, where enterSpace registers it.
import { effect, signal } from "@preact/signals";
import type { SpaceAudio } from "../media/space_audio.ts";
import type { SpaceCommand } from "../../protocol/space.ts";
import { type JoinTokens, SpaceClient } from "./client.ts";
import { showNowPlaying } from "../media_session.ts";
import { startEarlyAudio, takeEarlyAudio } from "./early_audio.ts";
import { leaveSpace, liveSpace } from "../now_playing.ts";

export { leaveSpace, liveSpace };

// A Space page opened from its link (whose first script opened the SFU socket,
// lib/server/spaces/early_media.ts) starts its media session on that socket as this code runs,
// before the page hydrates; LiveSpace takes it over when the screen starts.
startEarlyAudio();

export interface LiveSpaceInfo {
  spaceId: string;
  title: string;
  hostName: string;
}

export class LiveSpace {
  readonly client: SpaceClient;
  readonly audio = signal<SpaceAudio | null>(null);
  #stops: (() => void)[] = [];
  #left = false;

  constructor(readonly info: LiveSpaceInfo, tokens: JoinTokens | null) {
    this.client = new SpaceClient(info.spaceId, tokens);
  }

  get left(): boolean {
    return this.#left;
  }

  /** Connects to the room and, beside it, loads the media code and joins the audio. */
  async start(): Promise<void> {
    const client = this.client;
    // mediasoup-client is large: its chunk loads only when the person joins audio. The audio does
    // not wait for the room: the SFU asks the room itself whether this person may listen.
    const connected = client.connect();
    connected.catch(() => {}); // awaited below; a failure is reported there, not twice
    const fresh = async () => {
      const tk = await client.refreshTokens();
      return { url: tk.sfuUrl, token: tk.sfuToken, ice: tk.ice };
    };
    // The session the page's first script started on its early socket, when there is one.
    const early = takeEarlyAudio(this.info.spaceId);
    const taken = early && await early.audio.catch(() => null);
    let media: SpaceAudio;
    let started: Promise<void>;
    if (taken) {
      early!.adopt(fresh);
      ({ media, started } = taken);
      if (this.#left) return media.close();
    } else {
      const { SpaceAudio } = await import("../media/space_audio.ts");
      performance.mark("spazio:media-code");
      if (this.#left) return;
      let first = true;
      media = new SpaceAudio(async () => {
        // The first time, the tokens the room connection started with (the page's, at once).
        if (first) await connected.catch(() => {});
        const tk = first ? client.tokens.value : null;
        first = false;
        return tk ? { url: tk.sfuUrl, token: tk.sfuToken, ice: tk.ice } : await fresh();
      });
      started = media.start();
    }
    this.audio.value = media;
    this.#stops.push(
      // Removed, blocked or ended: the media goes too, not just the room.
      effect(() => {
        if (client.stopped.value) media.close();
      }),
      // Off the stage, the microphone is let go at once (the SFU has closed the producer already).
      effect(() => {
        if (!this.me() && media.session.published.value.mic) void media.releaseMic();
      }),
    );
    this.#restoreMic(media);
    this.#tellMediaState(media);
    this.#mediaSession();
    await Promise.all([connected, started]);
  }

  /** This person's seat on the stage, if they have one. */
  me() {
    const v = this.client.view.value;
    return v?.stage.find((m) => m.sub === v.you.sub);
  }

  send(command: SpaceCommand): boolean | undefined {
    if (command.type === "muteSelf") void this.audio.value?.muteMic();
    return this.client.send(command);
  }

  /** Asks for the microphone (the first time), then tells the room to unmute. */
  async unmute(): Promise<void> {
    const media = this.audio.value;
    if (!media || !(await media.ensureMic())) return;
    media.unmuteAsked();
    this.send({ type: "unmuteSelf" });
  }

  /**
   * A page (re)loaded while its person is on stage and unmuted puts the microphone back on air, so
   * the page never shows a live microphone that sends nothing; if it cannot, it mutes.
   */
  #restoreMic(media: SpaceAudio) {
    let done = false;
    this.#stops.push(effect(() => {
      const me = this.me();
      if (done || !me || me.muted) return;
      done = true;
      if (media.session.published.value.mic) return;
      void media.ensureMic(true).then((ok) => {
        if (!ok) this.client.send({ type: "muteSelf" });
      });
    }));
  }

  /**
   * Tells the room when this person's audio is reconnecting and when it is back, so that the host
   * sees how many cannot hear; said again to each new room connection (it starts from "back").
   */
  #tellMediaState(media: SpaceAudio) {
    let told = false;
    let sync = 0;
    this.#stops.push(effect(() => {
      const reconnecting = media.session.state.value === "reconnecting";
      const syncs = this.client.syncs.value;
      if (syncs === 0) return;
      if (syncs !== sync) {
        sync = syncs;
        told = false;
      }
      if (reconnecting !== told && this.client.send({ type: "mediaState", reconnecting })) told = reconnecting;
    }));
  }

  /** Lock-screen and headset controls: the Space's title and host; stop leaves. */
  #mediaSession() {
    if (!showNowPlaying({ title: this.info.title, artist: this.info.hostName, album: "Spazio" })) return;
    navigator.mediaSession.playbackState = "playing";
    navigator.mediaSession.setActionHandler("stop", () => leaveSpace());
    // A live Space has nothing to pause: pausing leaves it, as X does from the lock screen.
    navigator.mediaSession.setActionHandler("pause", () => leaveSpace());
  }

  /** Leaves for good: room, media and lock-screen controls. */
  leave() {
    if (this.#left) return;
    this.#left = true;
    for (const stop of this.#stops) stop();
    this.audio.value?.close();
    this.client.close();
    if ("mediaSession" in navigator) {
      navigator.mediaSession.metadata = null;
      navigator.mediaSession.playbackState = "none";
      for (const action of ["stop", "pause"] as const) navigator.mediaSession.setActionHandler(action, null);
    }
  }
}

/** The live Space with this id, started once; entering another Space leaves the one before. */
export function enterSpace(info: LiveSpaceInfo, tokens: JoinTokens | null): LiveSpace {
  const current = liveSpace.value;
  if (current && current.info.spaceId === info.spaceId && !current.left && !current.client.stopped.value) {
    return current;
  }
  current?.leave();
  const next = new LiveSpace(info, tokens);
  liveSpace.value = next;
  next.start().catch((e) => console.error("joining the Space failed:", e));
  return next;
}
