// The SFU's settings, all from the environment with embedded development defaults, so that
// `tsx main.ts` works with no configuration and tests override only what they need.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_PARTY_PORT, DEFAULT_SFU_PORT, DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { parseAllowedOrigins } from "../lib/protocol/origin.ts";
import { parseSfuList, type SfuEntry } from "../lib/protocol/sfu_edge.ts";
import { parseListenIps } from "../lib/protocol/sfu_listen.ts";
import { DEFAULT_RECORDINGS_DIR, RECORDINGS_DIR_ENV } from "../lib/protocol/recording_files.ts";
import { assertProductionSecrets, isProduction, secretsFromFiles } from "../lib/protocol/production.ts";
import fs from "node:fs";

export type SfuConfig = {
  /** SPAZIO_SFU_PORT: HTTP server for the signalling WebSocket and the control API (0 = any free port). */
  port: number;
  /** SPAZIO_SFU_HOST: the HTTP server's bind address. */
  host: string;
  /**
   * SPAZIO_SFU_INTERNAL_PORT: when set, the control API, the SFU <-> SFU API and the detailed
   * health listen here (on SPAZIO_SFU_INTERNAL_HOST, 127.0.0.1 by default) and not on the public
   * port, which then carries only /ws and /healthz.
   */
  internalPort?: number;
  internalHost: string;
  /** Production mode (lib/protocol/production.ts): the secrets were checked at start. */
  production: boolean;
  /** SPAZIO_SFU_WORKERS: mediasoup workers, one per core by default. */
  workers: number;
  /** The first of SPAZIO_SFU_LISTEN_IP: where pipe transports listen, and the first ICE candidate. */
  listenIp: string;
  /**
   * SPAZIO_SFU_LISTEN_IP: every address WebRTC transports listen on, each an ICE candidate (one, or
   * a comma-separated list: `deno task start` adds the machine's own addresses to 127.0.0.1 in
   * development, for Firefox: lib/protocol/sfu_listen.ts).
   */
  listenIps: string[];
  /**
   * SPAZIO_SFU_ANNOUNCED_IP: the address put in ICE candidates instead of the first listen address
   * when it differs (NAT, containers).
   */
  announcedIp?: string;
  /** SPAZIO_SFU_RTC_MIN_PORT / SPAZIO_SFU_RTC_MAX_PORT: UDP/TCP port range of each worker. */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** SPAZIO_SFU_LISTENERS_PER_ROUTER: receiving peers on one router before overflow routers are used. */
  listenersPerRouter: number;
  /** SPAZIO_ROOM_SECRET: verifies room tokens. */
  roomSecret: string;
  /** SPAZIO_SERVER_SECRET: verifies the control API and signs admission pulls. */
  serverSecret: string;
  /** SPAZIO_PARTY_URL: the PartyKit server asked who may join a room (Space grants, call state). */
  partyUrl: string;
  /** SPAZIO_ALLOWED_ORIGINS: pages that may open the signalling socket (the parties use the same list). */
  allowedOrigins: string[];
  /** SPAZIO_SFU_LOG_LEVEL: mediasoup worker log level. */
  logLevel: "debug" | "warn" | "error" | "none";
  /**
   * SPAZIO_SFU_PEERS: every SFU of the deployment as `id=url,...` (internal URLs, this one
   * included), the same list the web places listeners on; empty for a single SFU (no edges).
   */
  peers: SfuEntry[];
  /** SPAZIO_SFU_ID: this SFU's id in SPAZIO_SFU_PEERS (required when the list is set). */
  sfuId: string;
  /**
   * SPAZIO_RECORDINGS_DIR: the recordings folder the web reads too (absolute; the repository's
   * `data/recordings` by default). A Space's tracks go to `spaces/<id>/rec/` in it.
   */
  recordingsDir: string;
  /**
   * Live captions (sfu/captions/): recognisers at most per Space (SPAZIO_CAPTIONS_PER_SPACE) and
   * on this machine (SPAZIO_CAPTIONS_MAX), and the environment the engines find models in
   * (SPAZIO_STT_MODEL_<LANG>). Only with SPAZIO_CAPTIONS=1 (`deno task start` sets it unless told
   * otherwise): the test stacks start SFUs without captions, but for the captions test.
   */
  captions?: { perSpace: number; perMachine: number; env: Record<string, string | undefined> };
};

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return n;
}

/**
 * The SFU's settings (secrets also from `<NAME>_FILE`); in production mode a development or short
 * secret throws a ProductionError naming the variable.
 */
export function configFromEnv(source: NodeJS.ProcessEnv = process.env): SfuConfig {
  const env: NodeJS.ProcessEnv = secretsFromFiles(
    source,
    ["SPAZIO_ROOM_SECRET", "SPAZIO_SERVER_SECRET"],
    (f) => fs.readFileSync(f, "utf8"),
  );
  assertProductionSecrets(env, "The SFU");
  const rtcMinPort = int(env, "SPAZIO_SFU_RTC_MIN_PORT", 40000, 1024, 65535);
  const rtcMaxPort = int(env, "SPAZIO_SFU_RTC_MAX_PORT", 49999, 1024, 65535);
  if (rtcMaxPort <= rtcMinPort) throw new Error("SPAZIO_SFU_RTC_MAX_PORT must be above SPAZIO_SFU_RTC_MIN_PORT");
  const logLevel = env.SPAZIO_SFU_LOG_LEVEL ?? "warn";
  if (!["debug", "warn", "error", "none"].includes(logLevel)) {
    throw new Error("SPAZIO_SFU_LOG_LEVEL must be debug|warn|error|none");
  }
  const peers = parseSfuList(env.SPAZIO_SFU_PEERS);
  const listenIps = parseListenIps(env.SPAZIO_SFU_LISTEN_IP);
  const sfuId = env.SPAZIO_SFU_ID ?? "";
  if (peers.length > 0 && !peers.some((p) => p.id === sfuId)) {
    throw new Error(
      `SPAZIO_SFU_ID must name this SFU's entry in SPAZIO_SFU_PEERS (${
        peers.map((p) => p.id).join(", ")
      }), got "${sfuId}"`,
    );
  }
  return {
    port: int(env, "SPAZIO_SFU_PORT", DEFAULT_SFU_PORT, 0, 65535),
    host: env.SPAZIO_SFU_HOST || "127.0.0.1",
    internalPort: env.SPAZIO_SFU_INTERNAL_PORT ? int(env, "SPAZIO_SFU_INTERNAL_PORT", 0, 0, 65535) : undefined,
    internalHost: env.SPAZIO_SFU_INTERNAL_HOST || "127.0.0.1",
    production: isProduction(env),
    workers: int(env, "SPAZIO_SFU_WORKERS", Math.max(1, os.availableParallelism()), 1, 256),
    listenIp: listenIps[0],
    listenIps,
    announcedIp: env.SPAZIO_SFU_ANNOUNCED_IP || undefined,
    rtcMinPort,
    rtcMaxPort,
    listenersPerRouter: int(env, "SPAZIO_SFU_LISTENERS_PER_ROUTER", 800, 1, 1_000_000),
    roomSecret: env.SPAZIO_ROOM_SECRET || DEV_ROOM_SECRET,
    serverSecret: env.SPAZIO_SERVER_SECRET || DEV_SERVER_SECRET,
    partyUrl: (env.SPAZIO_PARTY_URL || `http://127.0.0.1:${DEFAULT_PARTY_PORT}`).replace(/\/+$/, ""),
    allowedOrigins: parseAllowedOrigins(env.SPAZIO_ALLOWED_ORIGINS),
    logLevel: logLevel as SfuConfig["logLevel"],
    peers,
    sfuId,
    recordingsDir: path.resolve(REPO, env[RECORDINGS_DIR_ENV] || DEFAULT_RECORDINGS_DIR),
    ...(env.SPAZIO_CAPTIONS === "1" && {
      captions: {
        perSpace: int(env, "SPAZIO_CAPTIONS_PER_SPACE", 3, 0, 64),
        perMachine: int(env, "SPAZIO_CAPTIONS_MAX", Math.max(1, os.availableParallelism() * 2), 0, 1024),
        env: { ...env },
      },
    }),
  };
}
