// Embedded defaults shared by every process, so `deno task start` works with no configuration.
// Every value can be overridden by the environment variable named beside it.

/** SPAZIO_PORT: the web server. */
export const DEFAULT_WEB_PORT = 8000;
/** SPAZIO_PARTY_PORT: the PartyKit dev server. */
export const DEFAULT_PARTY_PORT = 1999;
/** SPAZIO_SFU_PORT: the SFU's signalling WebSocket and its control API (one HTTP server). */
export const DEFAULT_SFU_PORT = 4443;
/** SPAZIO_ROOM_SECRET: signs room tokens (web -> browser -> party/sfu). Development only. */
export const DEV_ROOM_SECRET = "spazio-dev-room-secret-change-me-in-production";
/** SPAZIO_SERVER_SECRET: signs server-to-server calls (party -> sfu, party -> web). Development only. */
export const DEV_SERVER_SECRET = "spazio-dev-server-secret-change-me-in-production";
/** Largest message any room or the SFU accepts; larger closes the socket with 1009. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * How browsers reconnect to party rooms (partysocket options): quick and jittered, so a page is
 * back within a few seconds of a restarted party server, without every page retrying in step.
 * partysocket's own defaults wait 3 s, then 3.9 s, 5.1 s... up to 10 s.
 */
export function partyReconnectOptions() {
  return {
    minReconnectionDelay: 400 + Math.random() * 400,
    reconnectionDelayGrowFactor: 1.5,
    maxReconnectionDelay: 3_000,
    connectionTimeout: 4_000,
  };
}
