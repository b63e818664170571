// The Space room's settings, read from PartyKit vars (`--var NAME=value` or partykit.json#vars),
// with the development defaults from lib/protocol/defaults.ts so `partykit dev` runs unconfigured.
import {
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "../../lib/protocol/defaults.ts";
import { parseAllowedOrigins } from "../../lib/protocol/origin.ts";

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
    allowedOrigins: parseAllowedOrigins(text(env.SPAZIO_ALLOWED_ORIGINS)),
  };
}
