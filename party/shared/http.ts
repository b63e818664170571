// What every Spazio party shares at its HTTP edges: JSON answers, the signed-request reader
// (the web and the SFU sign with the server secret) and the gate before a WebSocket upgrade
// (Origin, then a room token for this party and room).
import type * as Party from "partykit/server";
import type { z } from "zod";
import { type RoomTokenClaims, type TokenAudience, verifyRequest, verifyRoomToken } from "../../lib/protocol/token.ts";
import { originAllowed } from "../../lib/protocol/origin.ts";
import { readConfig } from "./config.ts";

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });

export const fail = (status: number, code: string, message: string) => json({ ok: false, code, message }, status);

/**
 * Reads a signed POST's body and parses it with `schema`; anything else is a refusal to send back
 * as is (413 too big, 401 unsigned or stale, 400 not JSON or not the protocol).
 */
export async function readSignedRequest<S extends z.ZodTypeAny>(
  req: Request,
  serverSecret: string,
  schema: S,
  maxBytes: number,
): Promise<{ data: z.infer<S> } | { refused: Response }> {
  const tooBig = () => ({ refused: fail(413, "too_big", "Request body too large.") });
  // Anyone can reach a room's URL: refuse a large body before reading it, as well as after.
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) return tooBig();
  const body = await req.text();
  if (body.length > maxBytes) return tooBig();
  if (!(await verifyRequest(serverSecret, body, req.headers))) {
    return {
      refused: fail(401, "unsigned", "This request is not signed with the server secret (or its timestamp is stale)."),
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { refused: fail(400, "bad_request", "Body is not valid JSON.") };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { refused: fail(400, "bad_request", `${issue.path.join(".") || "body"}: ${issue.message}`) };
  }
  return { data: parsed.data };
}

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
