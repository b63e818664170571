// The Space room's settings, read from PartyKit vars (`--var NAME=value` or partykit.json#vars),
// with the development defaults from lib/protocol/defaults.ts so `partykit dev` runs unconfigured.
import {
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "../../lib/protocol/defaults.ts";

export interface SpaceRoomConfig {
  roomSecret: string;
  serverSecret: string;
  sfuUrl: string;
  webUrl: string;
  allowedOrigins: string[];
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

export function readConfig(env: Record<string, unknown>): SpaceRoomConfig {
  return {
    roomSecret: text(env.SPAZIO_ROOM_SECRET) ?? DEV_ROOM_SECRET,
    serverSecret: text(env.SPAZIO_SERVER_SECRET) ?? DEV_SERVER_SECRET,
    sfuUrl: (text(env.SPAZIO_SFU_URL) ?? `http://127.0.0.1:${DEFAULT_SFU_PORT}`).replace(
      /\/+$/,
      "",
    ),
    webUrl: (text(env.SPAZIO_WEB_URL) ?? `http://127.0.0.1:${DEFAULT_WEB_PORT}`).replace(
      /\/+$/,
      "",
    ),
    allowedOrigins: (text(env.SPAZIO_ALLOWED_ORIGINS) ?? "http://localhost:*,http://127.0.0.1:*")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

/**
 * Whether a browser page at `origin` may open this room. A pattern may end in `:*` for any port.
 * A request without Origin is not from a browser page (a server, a test, the bench); Origin only
 * protects people's browsers from other sites, and a non-browser client could forge it anyway,
 * so the token remains the real gate.
 */
export function originAllowed(origin: string | null, patterns: string[]): boolean {
  if (origin === null) return true;
  return patterns.some((p) => {
    if (p === "*") return true;
    if (p.endsWith(":*")) {
      const base = p.slice(0, -2);
      return origin === base ||
        (origin.startsWith(`${base}:`) && /^\d+$/.test(origin.slice(base.length + 1)));
    }
    return origin === p;
  });
}
