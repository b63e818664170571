// A Space page opened from its link starts hearing before its islands hydrate: its inline head
// script opened the media socket (lib/server/spaces/early_media.ts) and imported early_start.ts,
// which starts the session on that socket as soon as the media code is in. The main bundle
// reaches that session here (importing the same module), and the islands wait for it to be on
// its way before they hydrate, so that the two do not take turns on the main thread.
// The Space's LiveSpace (live.ts) takes this session over when the screen starts, and from then
// on gives it fresh credentials for every reconnect. Without an early socket (a page reached by
// partial navigation, no tokens), nothing happens here and LiveSpace starts its session itself.
// No schema or mediasoup code is imported here: the page's main script stays as it was.
import { effect } from "@preact/signals";
import { holdHydration } from "../islands.ts";
import type { SfuCredentials } from "../media/sfu_session.ts";
import type { SpaceAudio } from "../media/space_audio.ts";

/** What the inline script left beside the socket: the Space it is for. */
interface EarlyInfo {
  space?: unknown;
}

export interface EarlyAudio {
  spaceId: string;
  /** The session, built from the early socket; `started` once its first connection settled. */
  audio: Promise<{ media: SpaceAudio; started: Promise<void> }>;
  /** Hands over where later connections get their credentials (fresh tokens from the room's client). */
  adopt(later: () => Promise<SfuCredentials>): void;
}

let early: EarlyAudio | null = null;

/**
 * How long the islands wait at most for the early session to be on its way before they hydrate:
 * hydrating first held the media code and the device behind it (200-300 ms in bench:network on
 * this machine), and the page is painted from the server's HTML already.
 */
const HOLD_HYDRATION_MS = 600;

/** Resolves once the session hands the page a track (its transport gathered) or settles otherwise. */
function onItsWay(media: SpaceAudio): Promise<void> {
  return new Promise((resolve) => {
    let stop: (() => void) | null = null;
    const done = () => {
      stop?.();
      resolve();
    };
    stop = effect(() => {
      if (media.session.remote.value.length > 0 || media.session.state.value !== "connecting") queueMicrotask(done);
    });
  });
}

/** Reaches the early session when the page has an early socket; once per page. */
export function startEarlyAudio(): void {
  const g = globalThis as unknown as { __spazioEarlySfu?: EarlyInfo; __spazioEarlySpace?: string };
  // The socket's global while nobody took it; once early_start.ts took it, the Space it left.
  const space = g.__spazioEarlySfu?.space ?? g.__spazioEarlySpace;
  if (early || typeof space !== "string") return;
  // Evaluated already when the head's script imported it first (as it does): the same module.
  const audio = import("./early_start.ts").then(({ earlySession }) => {
    if (!earlySession) throw new Error("the page's early socket came without its credentials");
    return earlySession;
  });
  audio.catch(() => {}); // LiveSpace starts its own session when this one could not be made
  holdHydration(audio.then(({ media }) => onItsWay(media)), HOLD_HYDRATION_MS);
  early = {
    spaceId: space,
    audio,
    adopt(fn) {
      void audio.then((s) => s.adopt(fn), () => {});
    },
  };
}

/** The early session for this Space, taken once; any other (another Space's) is closed. */
export function takeEarlyAudio(spaceId: string): EarlyAudio | null {
  const e = early;
  early = null;
  if (!e) return null;
  if (e.spaceId === spaceId) return e;
  void e.audio.then(({ media }) => media.close(), () => {});
  return null;
}
