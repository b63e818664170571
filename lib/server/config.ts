// Process configuration of the web server, read once from the environment with embedded defaults.
import {
  DEFAULT_PARTY_PORT,
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "../protocol/defaults.ts";
import { assertProductionSecrets, isProduction, ProductionError, secretsFromFiles } from "../protocol/production.ts";
import { parseSfuList } from "../protocol/sfu_edge.ts";
import type { PlacedSfu } from "../protocol/sfu_placement.ts";
import { type TurnConfig, turnConfig } from "./turn.ts";

export interface Config {
  /** Production mode (lib/protocol/production.ts): SPAZIO_ENV=production or an https SPAZIO_PUBLIC_URL. */
  production: boolean;
  port: number;
  hostname: string;
  /** SPAZIO_KV: a file path (embedded SQLite) or an http(s) URL of a remote KV (KV Connect). */
  kvPath: string;
  /** SPAZIO_PUBLIC_URL: the origin browsers use; when unset the request's own origin is used. */
  publicUrl?: string;
  /** SPAZIO_PARTY_URL: the PartyKit server as this server reaches it. */
  partyUrl: string;
  /** SPAZIO_PARTY_PUBLIC_URL: the PartyKit server as browsers reach it (default: partyUrl). */
  partyPublicUrl: string;
  /** SPAZIO_SFU_URL: the SFU as this server reaches it. */
  sfuUrl: string;
  /** SPAZIO_SFU_PUBLIC_URL: the SFU as browsers reach it (default: sfuUrl). */
  sfuPublicUrl: string;
  /**
   * SPAZIO_SFU_PEERS (`id=url,...`, as servers reach them, the list the SFUs share) and
   * SPAZIO_SFU_PUBLIC_URLS (`id=url,...`, as browsers do; default: the same URLs): the SFUs a
   * Space's people are placed on. Empty: everyone goes to sfuPublicUrl.
   */
  sfus: PlacedSfu[];
  roomSecret: string;
  serverSecret: string;
  buildDir: string;
  /** SPAZIO_RING_MS: how long a call rings before it is missed (5-60 s; default 30 s). */
  ringMs?: number;
  /** SPAZIO_TURN_URLS, SPAZIO_TURN_SECRET(_FILE), SPAZIO_TURN_TTL, SPAZIO_TURN_FORCE_RELAY (lib/server/turn.ts); unset: no relay. */
  turn?: TurnConfig;
}

/**
 * The web's settings from the environment (secrets also from `<NAME>_FILE`). In production mode it
 * throws a ProductionError, naming the variable, on a development or short secret or a public URL
 * that is not https.
 */
export function loadConfig(source: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const vars = secretsFromFiles(source, ["SPAZIO_ROOM_SECRET", "SPAZIO_SERVER_SECRET"], Deno.readTextFileSync);
  const env = (name: string): string | undefined => vars[name] || undefined;
  const production = isProduction(vars);
  assertProductionSecrets(vars, "The web server");
  if (production && !env("SPAZIO_PUBLIC_URL")?.startsWith("https://")) {
    throw new ProductionError(
      "The web server refuses to start in production mode: SPAZIO_PUBLIC_URL must be the https origin people use " +
        "(passkeys are bound to its host name, cookies are Secure).",
    );
  }
  const port = Number(env("SPAZIO_PORT") ?? DEFAULT_WEB_PORT);
  const partyUrl = env("SPAZIO_PARTY_URL") ?? `http://127.0.0.1:${DEFAULT_PARTY_PORT}`;
  const sfuUrl = env("SPAZIO_SFU_URL") ?? `http://127.0.0.1:${DEFAULT_SFU_PORT}`;
  return {
    production,
    port,
    hostname: env("SPAZIO_HOST") ?? "127.0.0.1",
    kvPath: env("SPAZIO_KV") ?? "./data/spazio.kv",
    publicUrl: env("SPAZIO_PUBLIC_URL"),
    partyUrl,
    partyPublicUrl: env("SPAZIO_PARTY_PUBLIC_URL") ?? partyUrl,
    sfuUrl,
    sfuPublicUrl: env("SPAZIO_SFU_PUBLIC_URL") ?? sfuUrl,
    sfus: sfuList(env("SPAZIO_SFU_PEERS"), env("SPAZIO_SFU_PUBLIC_URLS")),
    roomSecret: env("SPAZIO_ROOM_SECRET") ?? DEV_ROOM_SECRET,
    serverSecret: env("SPAZIO_SERVER_SECRET") ?? DEV_SERVER_SECRET,
    buildDir: env("SPAZIO_BUILD_DIR") ?? "./_build",
    ringMs: ringMs(env("SPAZIO_RING_MS")),
    turn: turnConfig(source, Deno.readTextFileSync, production),
  };
}

function ringMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 5_000 || ms > 60_000) {
    throw new Error(`SPAZIO_RING_MS must be a whole number of milliseconds from 5000 to 60000; got "${value}"`);
  }
  return ms;
}

function sfuList(internal: string | undefined, publicUrls: string | undefined): PlacedSfu[] {
  const list = parseSfuList(internal);
  const pub = parseSfuList(publicUrls, "SPAZIO_SFU_PUBLIC_URLS");
  for (const p of pub) {
    if (!list.some((s) => s.id === p.id)) {
      throw new Error(`SPAZIO_SFU_PUBLIC_URLS: "${p.id}" is not in SPAZIO_SFU_PEERS`);
    }
  }
  return list.map((s) => ({ ...s, publicUrl: pub.find((p) => p.id === s.id)?.url ?? s.url }));
}
