// The call a person is in, owned by the page rather than by the call screen: its room connection
// and its media go on while the person browses other pages of the app (partial navigation swaps
// only the page's content), until the call ends. The call screen reads it, and so does the mini
// call bar (islands/NowPlaying.tsx) through lib/browser/now_playing.ts, where openCall registers
// it; the way lib/browser/space/live.ts keeps a Space. One call at a time, and never a call and a Space:
// a call that starts or is answered leaves the Space first.
import { computed, effect, signal } from "@preact/signals";
import { callDurationS, type CallRole, isFinal } from "../../protocol/call.ts";
import type { PeerInfo } from "../../protocol/dm.ts";
import { CallClient, dropMediaAccess, prefetchMediaAccess, takeCallClient } from "./call_client.ts";
import type { CallMedia } from "./call_media.ts";
import { CallE2ee } from "./e2ee/call_e2ee.ts";
import { inbox } from "./inbox_client.ts";
import { leaveSpaceForCall } from "./space_handoff.ts";
import { showNowPlaying } from "../media_session.ts";
import { liveCall } from "../now_playing.ts";
import type { Lang } from "../../i18n/mod.ts";
import { callStatusText } from "../../shared/call_status_text.ts";

export { liveCall };

export interface LiveCallInfo {
  callId: string;
  /** This person (only their id is needed: the ringer knows no more). */
  me: Pick<PeerInfo, "id">;
  peer: PeerInfo;
  role: CallRole;
  video: boolean;
  partyUrl: string;
  /** Opened from an Accept (the ringer's, a notification's): answer as soon as the room syncs. */
  answer: boolean;
}

export class LiveCall {
  readonly #closed = signal(false);
  readonly client: CallClient;
  readonly media = signal<CallMedia | null>(null);
  readonly mediaFailed = signal(false);
  /** End-to-end encryption of this call on this device; media starts only where it can encrypt. */
  readonly e2ee: CallE2ee;
  /** Someone who tried to call while this call was on (the web answered them busy). */
  readonly triedWhileBusy = signal<string | null>(null);
  /** This device is in the answered call: the caller, or the callee's answering connection. */
  readonly inCall = computed(() => {
    const v = this.client.call.value;
    return v?.status === "accepted" && (this.info.role === "caller" || this.client.answeredHere.value);
  });
  /** Ringing or talking: what the mini call bar shows. */
  readonly ongoing = computed(() => {
    const v = this.client.call.value;
    return !this.#closed.value && !!v && (this.inCall.value || (v.status === "ringing" && this.info.role === "caller"));
  });
  #stops: (() => void)[] = [];
  #starting = false;
  #plainStarted = false;
  #e2eeStarted: Promise<void>;
  #answered = false;
  #inMarked = false;
  #mediaSessionShown = false;

  constructor(readonly info: LiveCallInfo) {
    // The ringer's connection when it has one (already synced): the answer goes out at once.
    this.client = takeCallClient(info.callId) ?? new CallClient(info.callId, info.partyUrl);
    this.e2ee = new CallE2ee(this.client, info.callId, info.role, info.peer.id);
    const e2eeStarted = this.e2ee.start();
    this.#e2eeStarted = e2eeStarted;
    if (info.role === "caller") {
      // A call placed from this page rings already: its media code, token and SFU socket are
      // fetched now rather than once the call room's first word arrives (600-800 ms later at
      // 100 ms RTT), so that the media is on air while it rings. A call that is over gets no token.
      void import("./call_media.ts").catch(() => {});
      prefetchMediaAccess(info.callId);
    }
    this.#stops.push(effect(() => this.#follow()));
    this.#stops.push(effect(() => this.#goPlain()));
    this.#stops.push(
      inbox(info.partyUrl, info.me.id).subscribe((e) => {
        if (e.type === "dm" && e.entry.kind === "call" && e.entry.outcome === "busy" && e.entry.to === info.me.id) {
          this.triedWhileBusy.value = e.peer.name;
        }
      }),
    );
  }

  get closed(): boolean {
    return this.#closed.value;
  }

  #follow() {
    const v = this.client.call.value;
    if (!v) return;
    if (v.status === "ringing") {
      // Fetch the media code and token, and open the SFU socket, while it rings: the answer waits for none of them.
      void import("./call_media.ts").catch(() => {});
      prefetchMediaAccess(this.info.callId);
      if (this.info.answer && this.info.role === "callee" && !this.#answered) {
        this.#answered = true;
        this.#leaveSpace();
        this.client.accept();
      }
      if (this.info.role === "caller") this.#leaveSpace();
    }
    this.#wantMedia();
    if (this.inCall.value && !this.#inMarked) {
      this.#inMarked = true;
      performance.mark("spazio:call-in");
    }
    if (isFinal(v.status)) this.#stopMedia();
  }

  /**
   * Media starts as the call rings, on both sides: the SFU holds all of it until the answer, which
   * then finds both pages' transports connected (ICE, DTLS) instead of starting them. The caller
   * is on air; a callee that has not answered here sends silence and asks for no microphone
   * (`held`) until it does. A callee's page that did not answer lets go once another one has.
   */
  #wantMedia() {
    const v = this.client.call.peek();
    if (!v || isFinal(v.status)) return;
    const callee = this.info.role === "callee";
    if (v.status === "accepted" && callee && !this.client.answeredHere.peek()) return this.#dropMedia();
    if (this.inCall.peek()) {
      const m = this.media.peek();
      // Replaced on the SFU by another tab of this person while it rang: connect again here.
      if (m?.session.state.peek() === "closed") this.#dropMedia();
      this.#startMedia(false);
      this.media.peek()?.answer();
      this.media.peek()?.answered();
      this.#mediaSession();
      return;
    }
    if (v.status === "ringing") this.#startMedia(callee && !this.#answered);
  }

  #dropMedia() {
    this.media.peek()?.close();
    this.media.value = null;
    this.#starting = false;
  }

  /** Cheap when there is no Space, so it runs at each step (ringing out, answer, media). */
  #leaveSpace() {
    void leaveSpaceForCall();
  }

  #startMedia(held: boolean) {
    if (this.#starting || this.#closed.peek()) return;
    this.#starting = true;
    if (!held) this.#leaveSpace();
    const callId = this.info.callId;
    const video = this.client.call.peek()?.video ?? this.info.video;
    Promise.all([import("./call_media.ts"), this.#e2eeStarted]).then(([{ CallMedia }]) => {
      performance.mark("spazio:call-media-code");
      if (this.#closed.peek() || this.media.peek() || isFinal(this.client.call.peek()?.status ?? "ringing")) return;
      // Fail closed: encrypted (the worker drops every frame until the keys are agreed), or plain
      // only once both people chose it; a device that can do neither sends and plays nothing.
      const plain = this.e2ee.plainAgreed.peek();
      const frames = plain ? null : this.e2ee.frames;
      if (!plain && !frames) return void (this.#starting = false);
      const m = new CallMedia(callId, video, frames);
      this.media.value = m;
      // Accepted here (the tap) or answered meanwhile: live at once; answered: the SFU is told.
      const answered = this.inCall.peek();
      void m.start(held && !this.#answered && !answered);
      if (answered) {
        m.answered();
        this.#mediaSession();
      }
    }).catch(() => (this.mediaFailed.value = true));
  }

  /** Both chose an unencrypted call: media (if it started encrypted) starts again without the worker. */
  #goPlain() {
    if (!this.e2ee.plainAgreed.value || this.#plainStarted) return;
    this.#plainStarted = true;
    this.#dropMedia();
    this.#wantMedia();
  }

  #stopMedia() {
    // The SFU socket opened while it rang, when the media never took it (cancelled, declined, missed).
    dropMediaAccess(this.info.callId);
    this.media.peek()?.close();
    this.#clearMediaSession();
  }

  /** Seconds since the answer (0 before it). */
  durationS(now = Date.now()): number {
    const v = this.client.call.value;
    return v ? callDurationS(v, now) : 0;
  }

  /**
   * What the call's status reads as on this device ("Calling Bob…", "Connected"): asked of the call
   * rather than imported by the mini call bar, whose bundle every page loads and which so stays
   * free of the call's schemas.
   */
  statusText(lang: Lang): string {
    return callStatusText(
      lang,
      this.client.call.value,
      this.info.role,
      this.info.peer.name,
      this.client.answeredHere.value,
    );
  }

  /**
   * Answers (on this device): the callee's Accept, on the call screen or the ringer. Called from
   * the tap: media held while it rang goes live now (the microphone, and playback the tap allows);
   * the SFU lets it flow once the call room has the answer.
   */
  accept() {
    this.#answered = true;
    this.#leaveSpace();
    this.client.accept();
    this.media.peek()?.answer();
  }

  /** Whatever ends it from here: cancel while calling, decline while ringing, hang up once answered. */
  end() {
    const v = this.client.call.peek();
    if (!v || isFinal(v.status)) return;
    if (v.status === "ringing") this.client.send(this.info.role === "caller" ? "cancel" : "decline");
    else this.client.send("hangup");
  }

  /** Lock-screen and headset controls, where the browser has them (hang up, the microphone). */
  #mediaSession() {
    if (this.#mediaSessionShown) return;
    this.#mediaSessionShown = true;
    try {
      if (!showNowPlaying({ title: this.info.peer.name, artist: "Spazio", album: "Spazio" })) return;
      navigator.mediaSession.setActionHandler("hangup" as MediaSessionAction, () => this.end());
      navigator.mediaSession.setActionHandler(
        "togglemicrophone" as MediaSessionAction,
        () => void this.media.peek()?.toggleMic(),
      );
    } catch { /* an action this browser does not know */ }
  }

  #clearMediaSession() {
    if (!("mediaSession" in navigator)) return;
    try {
      navigator.mediaSession.metadata = null;
      for (const a of ["hangup", "togglemicrophone"]) {
        navigator.mediaSession.setActionHandler(a as MediaSessionAction, null);
      }
    } catch { /* as above */ }
  }

  /** Lets go of everything on this page: media, room socket (the call itself is ended by end()). */
  close() {
    if (this.#closed.peek()) return;
    this.#closed.value = true;
    for (const stop of this.#stops) stop();
    this.#stopMedia();
    this.e2ee.close();
    this.client.close();
  }
}

/** The live call with this id, started once; opening another call lets go of the one before. */
export function openCall(info: LiveCallInfo): LiveCall {
  const current = liveCall.peek();
  if (current && current.info.callId === info.callId && !current.closed) return current;
  current?.close();
  const next = new LiveCall(info);
  liveCall.value = next;
  return next;
}
