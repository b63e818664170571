// When a page should ask for new TURN credentials. They last `ttl` seconds from when the page got
// them (SPAZIO_TURN_TTL, 6 h by default; lib/server/turn.ts). coturn checks a credential's time
// when an allocation is made (it keeps the key for that session's refreshes: ns_turn_server.c,
// check_stun_auth), so relayed media already flowing survives the expiry, but every new allocation
// after it is refused (401): the ICE restart the media watch makes when a path stalls, a network
// change, a lost TLS connection to the relay. A page kept open longer (a long Space, a call left
// on) would then lose its media until a full rebuild. So the page asks for new ones a while
// before, gives them to its transports and restarts ICE, which allocates with them (SfuSession).
// Without relays (no TURN configured) nothing expires.
import type { IceConfig } from "../../protocol/ice.ts";

/** Asked this long before the expiry, at most (a quarter of the lifetime when that is shorter). */
export const REFRESH_LEAD_MS = 10 * 60_000;
/** A failed refresh is tried again this much later (while the credentials are still valid). */
export const REFRESH_RETRY_MS = 30_000;

/**
 * The time (ms, on the page's clock) to fetch new credentials for servers received at
 * `receivedAtMs`, or undefined when nothing expires.
 */
export function iceRefreshAt(ice: IceConfig | undefined, receivedAtMs: number): number | undefined {
  if (!ice?.ttl || ice.iceServers.length === 0) return undefined;
  const lifetime = ice.ttl * 1000;
  return receivedAtMs + lifetime - Math.min(REFRESH_LEAD_MS, lifetime / 4);
}

/**
 * Fetches new credentials at iceRefreshAt, by `refresh` (which hands them to the transports and
 * returns them), then again before those expire; a failed refresh is tried again every
 * `retryMs` until the old ones run out. stop() with the session's connection: a refresh still
 * under way then schedules nothing.
 */
export class IceRefresh {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiresAt = 0;
  /** Bumped by schedule() and stop(), so that a refresh of an older connection arms nothing. */
  #generation = 0;

  constructor(
    private readonly refresh: () => Promise<IceConfig | undefined>,
    private readonly retryMs = REFRESH_RETRY_MS,
  ) {}

  /** Credentials just received (on connecting, or by a refresh). */
  schedule(ice: IceConfig | undefined, nowMs = Date.now()): void {
    this.stop();
    const at = iceRefreshAt(ice, nowMs);
    if (at === undefined) return;
    this.#expiresAt = nowMs + ice!.ttl! * 1000;
    this.#arm(at - nowMs, this.#generation);
  }

  stop(): void {
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delayMs: number, generation: number) {
    this.#timer = setTimeout(async () => {
      this.#timer = undefined;
      try {
        const ice = await this.refresh();
        if (generation === this.#generation) this.schedule(ice);
      } catch (e) {
        if (generation !== this.#generation) return;
        console.warn("new relay credentials could not be had; trying again:", e);
        if (Date.now() + this.retryMs < this.#expiresAt) this.#arm(this.retryMs, generation);
      }
    }, Math.max(0, delayMs));
  }
}
