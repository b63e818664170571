// The media session of a Space page opened from its link, started as this module is first
// evaluated: on the socket the page's inline head script opened (lib/server/spaces/
// early_media.ts), with the SFU address, token and relays it left beside it. That script imports
// this module itself, as soon as the head is parsed, so the media code downloads in the page's
// first wave of requests and runs without waiting for the page's main bundle (its islands) to
// load, evaluate and hydrate; the main bundle reaches the same session through early_audio.ts,
// and LiveSpace (live.ts) takes it over when the screen starts.
import type { IceConfig } from "../../protocol/ice.ts";
import type { SfuCredentials } from "../media/sfu_session.ts";
import { SpaceAudio } from "../media/space_audio.ts";
import { warmDevice } from "../media/device.ts";

/** What the inline script left beside the socket (the socket itself is SfuSignalling's to take). */
interface EarlyInfo {
  space?: unknown;
  sfu?: unknown;
  token?: unknown;
  ice?: IceConfig | null;
}

export interface EarlySession {
  media: SpaceAudio;
  /** Settles once the session's first connection settled. */
  started: Promise<void>;
  /** Hands over where later connections get their credentials (fresh tokens from the room's client). */
  adopt(later: () => Promise<SfuCredentials>): void;
}

function begin(): EarlySession | null {
  const info = (globalThis as unknown as Record<string, EarlyInfo | undefined>).__spazioEarlySfu;
  if (!info || typeof info.space !== "string" || typeof info.sfu !== "string" || typeof info.token !== "string") {
    return null;
  }
  performance.mark("spazio:media-code");
  // The Device's two throwaway offers, at once, while the socket may still wait for its welcome.
  warmDevice();
  // The session takes the socket (and its global) away; the main bundle may come after that.
  (globalThis as unknown as Record<string, string>).__spazioEarlySpace = info.space;
  const first: SfuCredentials = { url: info.sfu, token: info.token, ...(info.ice && { ice: info.ice }) };
  let later: (() => Promise<SfuCredentials>) | null = null;
  let adopted!: () => void;
  const adoption = new Promise<void>((resolve) => (adopted = resolve));
  let used = false;
  const media = new SpaceAudio(async () => {
    if (!used) {
      used = true;
      return first;
    }
    // A reconnect before the screen took the session over waits for its fresh credentials.
    await adoption;
    return later!();
  });
  return {
    media,
    started: media.start(),
    adopt(fn) {
      later = fn;
      adopted();
    },
  };
}

/** This page's early session: made once, by whichever script imports this module first. */
export const earlySession: EarlySession | null = begin();
