// What every Spazio party shares at its HTTP edges: JSON answers, the answer to a refused signed
// request (lib/protocol/signed_reader.ts reads them: the web and the SFU sign with the server
// secret) and the gate before a WebSocket upgrade (Origin, then a room token for this party and room).
import type * as Party from "partykit/server";
import { type ReaderRefusal, readSignedText } from "../../lib/protocol/signed_reader.ts";
import { type RoomTokenClaims, type TokenAudience, verifyRoomToken } from "../../lib/protocol/token.ts";
import { originAllowed } from "../../lib/protocol/origin.ts";
import { readConfig } from "./config.ts";

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });

export const fail = (status: number, code: string, message: string) => json({ ok: false, code, message }, status);

/** A signed request's refusal (lib/protocol/signed_reader.ts), as the answer to send back. */
export const refused = (r: ReaderRefusal) => fail(r.status, r.code, r.message);

/**
 * The check before an upgrade: the page's Origin, then a valid token for this audience and room
 * (and whatever `check` adds). Refusals are HTTP answers with a JSON reason a client can show.
 */
export async function admitConnection(
  partyReq: Party.Request,
  lobby: Party.Lobby,
  opts: { aud: TokenAudience; what: string; code?: string; check?: (claims: RoomTokenClaims) => void },
): Promise<Party.Request | Response> {
  // Party.Request is the standard Request plus Cloudflare fields; only standard ones are used.
  const req = partyReq as unknown as Request;
  const config = readConfig(lobby.env);
  if (!originAllowed(req.headers.get("origin"), config.allowedOrigins)) {
    return json({ code: "forbidden_origin", message: "This page's origin may not open Spazio rooms." }, 403);
  }
  try {
    const token = new URL(req.url).searchParams.get("token") ?? "";
    const claims = await verifyRoomToken(config.roomSecret, token, { aud: opts.aud, room: lobby.id });
    opts.check?.(claims);
  } catch (err) {
    const code = opts.code ?? (err as { code?: string }).code ?? "malformed";
    return json({ code, message: `Cannot ${opts.what}: ${(err as Error).message}.` }, 401);
  }
  return partyReq;
}

/**
 * The gate before a room's HTTP handler, run in the worker: a request whose signature does not hold
 * (or too big), or a method the party does not take, is refused here, before the room's object is
 * woken. workerd makes a room's SQLite files (about 45 KB) the first time its object wakes, whatever
 * the room does, so a refusal inside the room still left them behind for every made-up id. Every
 * request is signed with the server secret, a GET over the empty body (`signedGet`: the party takes
 * GETs too; none is public). The room checks the signed request again, by its contract.
 */
export async function admitRequest(
  partyReq: Party.Request,
  lobby: Party.Lobby,
  opts: { maxBytes: number; signedGet?: boolean },
): Promise<Party.Request | Response> {
  const req = partyReq as unknown as Request;
  const get = req.method === "GET" && opts.signedGet === true;
  if (req.method !== "POST" && !get) {
    return fail(405, "method_not_allowed", opts.signedGet ? "Use a signed GET or POST." : "Use a signed POST.");
  }
  const read = await readSignedText(req, {
    secret: readConfig(lobby.env).serverSecret,
    maxBytes: get ? 0 : opts.maxBytes,
  });
  if (!read.ok) return refused(read.refusal);
  const init = get
    ? { method: "GET", headers: req.headers }
    : { method: "POST", headers: req.headers, body: read.data };
  return new Request(req.url, init) as unknown as Party.Request;
}
