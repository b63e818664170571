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
  partyUrl: string;
  sfuUrl: string;
  roomSecret: string;
  serverSecret: string;
  buildDir: string;
}

function env(name: string): string | undefined {
  return Deno.env.get(name) || undefined;
}

export function loadConfig(): Config {
  const port = Number(env("SPAZIO_PORT") ?? DEFAULT_WEB_PORT);
  return {
    port,
    hostname: env("SPAZIO_HOST") ?? "127.0.0.1",
    kvPath: env("SPAZIO_KV") ?? "./data/spazio.kv",
    publicUrl: env("SPAZIO_PUBLIC_URL"),
    partyUrl: env("SPAZIO_PARTY_URL") ?? `http://127.0.0.1:${DEFAULT_PARTY_PORT}`,
    sfuUrl: env("SPAZIO_SFU_URL") ?? `http://127.0.0.1:${DEFAULT_SFU_PORT}`,
    roomSecret: env("SPAZIO_ROOM_SECRET") ?? DEV_ROOM_SECRET,
    serverSecret: env("SPAZIO_SERVER_SECRET") ?? DEV_SERVER_SECRET,
    buildDir: env("SPAZIO_BUILD_DIR") ?? "./_build",
  };
}
