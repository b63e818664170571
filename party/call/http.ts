// The call room's HTTP API for the web (lib/protocol/call.ts#CallRoomRequest): every request must
// be signed with the server secret; bad ones get a status and a reason and change nothing.
import { CallRoomRequest } from "../../lib/protocol/call.ts";
import { verifyRequest } from "../../lib/protocol/token.ts";
import type CallRoom from "../call.ts";
import { createCall, view } from "./reducer.ts";

const MAX_BODY_BYTES = 16 * 1024;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
const fail = (status: number, code: string, message: string) =>
  json({ ok: false, code, message }, status);

export async function handleCallRequest(room: CallRoom, req: Request): Promise<Response> {
  if (req.method !== "POST") return fail(405, "method_not_allowed", "Use a signed POST.");
  const body = await req.text();
  if (body.length > MAX_BODY_BYTES) return fail(413, "too_big", "Request body too large.");
  if (!(await verifyRequest(room.config.serverSecret, body, req.headers))) {
    return fail(
      401,
      "unsigned",
      "This request is not signed with the server secret (or its timestamp is stale).",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return fail(400, "bad_request", "Body is not valid JSON.");
  }
  const parsed = CallRoomRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(400, "bad_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  const r = parsed.data;
  if (r.type === "init") {
    if (r.callId !== room.room.id) {
      return fail(400, "bad_request", "callId does not match this room.");
    }
    if (r.caller.sub === r.callee.sub) {
      return fail(400, "bad_request", "A call needs two different people.");
    }
    // Idempotent: a retried init changes nothing; a different call under the same id is refused.
    if (room.state) {
      const same = room.state.caller.sub === r.caller.sub && room.state.callee.sub === r.callee.sub;
      return same
        ? json({ ok: true, call: view(room.state) })
        : fail(409, "conflict", "This call id is taken.");
    }
    room.commit(createCall(r, Date.now()));
    return json({ ok: true, call: view(room.state!) });
  }
  const s = room.state;
  if (!s) return fail(404, "not_found", "No such call.");
  if (r.type === "end" && (s.status === "ringing" || s.status === "accepted")) {
    room.commit({
      ...s,
      status: s.status === "ringing" ? "cancelled" : "ended",
      endedAt: Date.now(),
      endedBy: "server",
    });
  }
  return json({ ok: true, call: view(room.state!) });
}
