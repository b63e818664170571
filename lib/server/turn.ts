// TURN relays for people whose network lets no media through to the SFU (only TCP 443 open, or a
// symmetric NAT): the web mints each page short-lived credentials by the TURN REST scheme that
// coturn checks with `use-auth-secret` + `static-auth-secret` (deploy/turnserver.conf): the
// username is `<expiry unix seconds>:<who>`, the credential base64(HMAC-SHA1(secret, username)).
// The relay needs nothing per person and the secret never leaves the servers.
import type { IceConfig } from "../protocol/ice.ts";
import { MIN_SECRET_LENGTH, ProductionError, secretsFromFiles } from "../protocol/production.ts";

/** How long minted credentials last unless SPAZIO_TURN_TTL says otherwise: 6 hours. */
export const DEFAULT_TURN_TTL_SECONDS = 6 * 3600;
const MAX_TURN_TTL_SECONDS = 7 * 86_400;

export interface TurnConfig {
  /** SPAZIO_TURN_URLS: the relay as browsers reach it, e.g. `turns:turn.example:443?transport=tcp`. */
  urls: string[];
  /** SPAZIO_TURN_SECRET (or SPAZIO_TURN_SECRET_FILE): coturn's static-auth-secret. */
  secret: string;
  /** SPAZIO_TURN_TTL: seconds a minted credential is valid. */
  ttlSeconds: number;
  /** SPAZIO_TURN_FORCE_RELAY: pages send all media through the relay (a test and diagnostic setting). */
  forceRelay: boolean;
}

type Env = Record<string, string | undefined>;

const TURN_URL = /^turns?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

/**
 * The TURN settings from the environment, or undefined when SPAZIO_TURN_URLS is not set. A bad or
 * incomplete setting throws, naming the variable: a relay that would refuse every credential is
 * worse than none, since pages would wait on it.
 */
export function turnConfig(
  source: Env,
  readFile: (path: string) => string,
  production = false,
): TurnConfig | undefined {
  const env = secretsFromFiles(source, ["SPAZIO_TURN_SECRET"], readFile);
  const urls = (env.SPAZIO_TURN_URLS ?? "").split(",").map((u) => u.trim()).filter(Boolean);
  const secret = env.SPAZIO_TURN_SECRET?.trim() ?? "";
  const forceRelay = ["1", "true", "yes"].includes(env.SPAZIO_TURN_FORCE_RELAY?.trim().toLowerCase() ?? "");
  if (urls.length === 0) {
    if (secret) throw new Error("SPAZIO_TURN_SECRET is set but SPAZIO_TURN_URLS is not: name the relay's URLs.");
    if (forceRelay) throw new Error("SPAZIO_TURN_FORCE_RELAY needs a relay: set SPAZIO_TURN_URLS.");
    return undefined;
  }
  for (const url of urls) {
    if (!TURN_URL.test(url)) {
      throw new Error(
        `SPAZIO_TURN_URLS: "${url}" is not a TURN URL (turn:host:port or turns:host:port, optionally ?transport=udp|tcp).`,
      );
    }
  }
  if (urls.length > 8) throw new Error("SPAZIO_TURN_URLS: at most 8 URLs.");
  if (!secret) {
    throw new Error("SPAZIO_TURN_URLS is set but SPAZIO_TURN_SECRET (or SPAZIO_TURN_SECRET_FILE) is not.");
  }
  if (production && secret.length < MIN_SECRET_LENGTH) {
    throw new ProductionError(
      `The web server refuses to start in production mode: SPAZIO_TURN_SECRET is shorter than ${MIN_SECRET_LENGTH} characters.`,
    );
  }
  const ttlText = env.SPAZIO_TURN_TTL?.trim();
  const ttlSeconds = ttlText ? Number(ttlText) : DEFAULT_TURN_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > MAX_TURN_TTL_SECONDS) {
    throw new Error(`SPAZIO_TURN_TTL: "${ttlText}" is not a number of seconds from 60 to ${MAX_TURN_TTL_SECONDS}.`);
  }
  return { urls, secret, ttlSeconds, forceRelay };
}

/** The REST-scheme credential for a username: base64(HMAC-SHA1(secret, username)). */
export async function turnCredential(secret: string, username: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-1" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(username)));
  return btoa(String.fromCharCode(...mac));
}

/**
 * The ICE servers for one person's page, valid for the configured time from `nowMs`. `who` names
 * them in the relay's log (a user or an anonymous session); any `:` in it becomes `_`, so that the
 * expiry is the only part before the separator. Without a relay: no servers, the SFU directly.
 */
export async function iceFor(turn: TurnConfig | undefined, who: string, nowMs = Date.now()): Promise<IceConfig> {
  if (!turn) return { iceServers: [], iceTransportPolicy: "all" };
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${who.replaceAll(":", "_")}`;
  return {
    iceServers: [{ urls: turn.urls, username, credential: await turnCredential(turn.secret, username) }],
    iceTransportPolicy: turn.forceRelay ? "relay" : "all",
    ttl: turn.ttlSeconds,
  };
}
