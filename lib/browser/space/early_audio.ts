// A Space page opened from its link starts hearing as soon as its first script runs, before it
// hydrates: its inline head script already opened the media socket (lib/server/spaces/
// early_media.ts) and left the SFU address, token and relays beside it, so the media code loads
// and the session starts on that socket here, while the page's islands are still being built.
// The Space's LiveSpace (live.ts) takes this session over when the screen starts, and from then
// on gives it fresh credentials for every reconnect. Without an early socket (a page reached by
// partial navigation, no tokens), nothing happens here and LiveSpace starts its session itself.
// No schema or mediasoup code is imported here: the page's main script stays as it was.
import type { IceConfig } from "../../protocol/ice.ts";
import type { SfuCredentials } from "../media/sfu_session.ts";
import type { SpaceAudio } from "../media/space_audio.ts";

/** What the inline script left beside the socket (the socket itself is SfuSignalling's to take). */
interface EarlyInfo {
  space?: unknown;
  sfu?: unknown;
  token?: unknown;
  ice?: IceConfig | null;
}

export interface EarlyAudio {
  spaceId: string;
  /** The session, built from the early socket; `started` once its first connection settled. */
  audio: Promise<{ media: SpaceAudio; started: Promise<void> }>;
  /** Hands over where later connections get their credentials (fresh tokens from the room's client). */
  adopt(later: () => Promise<SfuCredentials>): void;
}

let early: EarlyAudio | null = null;

/** Starts the early session when the page has an early socket; once per page. */
export function startEarlyAudio(): void {
  const info = (globalThis as unknown as Record<string, EarlyInfo | undefined>).__spazioEarlySfu;
  if (early || !info || typeof info.space !== "string" || typeof info.sfu !== "string") return;
  if (typeof info.token !== "string") return;
  const first: SfuCredentials = { url: info.sfu, token: info.token, ...(info.ice && { ice: info.ice }) };
  let later: (() => Promise<SfuCredentials>) | null = null;
  let adopted!: () => void;
  const adoption = new Promise<void>((resolve) => (adopted = resolve));
  let used = false;
  const audio = import("../media/space_audio.ts").then(({ SpaceAudio }) => {
    performance.mark("spazio:media-code");
    const media = new SpaceAudio(async () => {
      if (!used) {
        used = true;
        return first;
      }
      // A reconnect before the screen took the session over waits for its fresh credentials.
      await adoption;
      return later!();
    });
    return { media, started: media.start() };
  });
  audio.catch(() => {}); // LiveSpace starts its own session when this one could not be made
  early = {
    spaceId: info.space,
    audio,
    adopt(fn) {
      later = fn;
      adopted();
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
