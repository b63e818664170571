// Every party's settings, read from PartyKit vars (`--var NAME=value` or partykit.json#vars),
// with the development defaults from lib/protocol/defaults.ts so `partykit dev` runs unconfigured.
import {
  DEFAULT_PARTY_PORT,
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "../../lib/protocol/defaults.ts";
import { parseAllowedOrigins } from "../../lib/protocol/origin.ts";
import { parseSfuList } from "../../lib/protocol/sfu_edge.ts";
import { DEFAULT_SHARD_SIZE } from "../../lib/protocol/space_audience.ts";

export interface PartyConfig {
  roomSecret: string;
  serverSecret: string;
  sfuUrl: string;
  /**
   * Where a Space's grants, recording switch and close go: SPAZIO_SFU_URL first, then every other
   * SFU of SPAZIO_SFU_PEERS (any of them passes them on to the Space's origin and edges).
   */
  sfuUrls: string[];
  webUrl: string;
  allowedOrigins: string[];
  /** This PartyKit project's own URL, for calls between its rooms (Space room <-> audience shards). */
  partyUrl: string;
  /** Listeners per audience shard; 0 turns shards off (every listener joins the Space room). */
  shardSize: number;
  /**
   * SPAZIO_CLIENT_IP_HEADER: the request header holding the client's address, for per-address
   * limits. `cf-connecting-ip` by default (Cloudflare sets it and overwrites a client's own);
   * self-hosted, the header the operator's proxy overwrites (the Caddyfile sets `x-real-ip`);
   * `none`: only per-person limits apply. A header a client can set itself must never be named.
   */
  clientIpHeader: string | null;
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

export function readConfig(env: Record<string, unknown>): PartyConfig {
  const sfuUrl = (text(env.SPAZIO_SFU_URL) ?? `http://127.0.0.1:${DEFAULT_SFU_PORT}`).replace(/\/+$/, "");
  return {
    roomSecret: text(env.SPAZIO_ROOM_SECRET) ?? DEV_ROOM_SECRET,
    serverSecret: text(env.SPAZIO_SERVER_SECRET) ?? DEV_SERVER_SECRET,
    sfuUrl,
    sfuUrls: [...new Set([sfuUrl, ...sfuPeers(text(env.SPAZIO_SFU_PEERS))])],
    webUrl: (text(env.SPAZIO_WEB_URL) ?? `http://127.0.0.1:${DEFAULT_WEB_PORT}`).replace(
      /\/+$/,
      "",
    ),
    allowedOrigins: parseAllowedOrigins(text(env.SPAZIO_ALLOWED_ORIGINS)),
    partyUrl: (text(env.SPAZIO_PARTY_URL) ?? `http://127.0.0.1:${DEFAULT_PARTY_PORT}`).replace(/\/+$/, ""),
    shardSize: shardSize(text(env.SPAZIO_AUDIENCE_SHARD_SIZE)),
    clientIpHeader: clientIpHeader(text(env.SPAZIO_CLIENT_IP_HEADER)),
  };
}

/** Malformed lists already reported: every room object reads the config, one line is enough. */
const reported = new Set<string>();

/** The SFUs' URLs from SPAZIO_SFU_PEERS; a malformed list is reported and ignored, not fatal to every room. */
function sfuPeers(v: string | undefined): string[] {
  try {
    return parseSfuList(v).map((e) => e.url);
  } catch (err) {
    if (v !== undefined && !reported.has(v)) {
      reported.add(v);
      console.error(`party: ${(err as Error).message}; using SPAZIO_SFU_URL alone`);
    }
    return [];
  }
}

function clientIpHeader(v: string | undefined): string | null {
  if (v === undefined) return "cf-connecting-ip";
  return v.toLowerCase() === "none" ? null : v.toLowerCase();
}

/** The client's address as the configured header gives it (null: none, or not configured). */
export function clientAddress(config: Pick<PartyConfig, "clientIpHeader">, request: Request): string | null {
  if (!config.clientIpHeader) return null;
  const v = request.headers.get(config.clientIpHeader)?.split(",")[0]?.trim();
  return v ? v.slice(0, 64) : null;
}

function shardSize(v: string | undefined): number {
  if (v === undefined) return DEFAULT_SHARD_SIZE;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_SHARD_SIZE;
}

/**
 * The id of the room a connection or request was routed to: the last segment of its URL's path
 * (`/parties/<party>/<id>`). What a room reads when `room.id` throws: PartyKit refuses it while
 * an alarm is being handled, also to a connection that arrives in the meantime.
 */
export function roomIdOf(room: { readonly id: string }, request: Request): string | undefined {
  try {
    return room.id;
  } catch {
    const last = new URL(request.url).pathname.split("/").filter(Boolean).at(-1);
    try {
      return last === undefined ? undefined : decodeURIComponent(last);
    } catch {
      return undefined;
    }
  }
}
