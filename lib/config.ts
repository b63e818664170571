// Process configuration of the web server, read once from the environment with embedded defaults.
import {
  DEFAULT_PARTY_PORT,
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "./protocol/defaults.ts";

export interface Config {
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
  roomSecret: string;
  serverSecret: string;
  buildDir: string;
}

function env(name: string): string | undefined {
  return Deno.env.get(name) || undefined;
}

export function loadConfig(): Config {
  const port = Number(env("SPAZIO_PORT") ?? DEFAULT_WEB_PORT);
  const partyUrl = env("SPAZIO_PARTY_URL") ?? `http://127.0.0.1:${DEFAULT_PARTY_PORT}`;
  const sfuUrl = env("SPAZIO_SFU_URL") ?? `http://127.0.0.1:${DEFAULT_SFU_PORT}`;
  return {
    port,
    hostname: env("SPAZIO_HOST") ?? "127.0.0.1",
    kvPath: env("SPAZIO_KV") ?? "./data/spazio.kv",
    publicUrl: env("SPAZIO_PUBLIC_URL"),
    partyUrl,
    partyPublicUrl: env("SPAZIO_PARTY_PUBLIC_URL") ?? partyUrl,
    sfuUrl,
    sfuPublicUrl: env("SPAZIO_SFU_PUBLIC_URL") ?? sfuUrl,
    roomSecret: env("SPAZIO_ROOM_SECRET") ?? DEV_ROOM_SECRET,
    serverSecret: env("SPAZIO_SERVER_SECRET") ?? DEV_SERVER_SECRET,
    buildDir: env("SPAZIO_BUILD_DIR") ?? "./_build",
  };
}
