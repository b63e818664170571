// The call room's HTTP API for the web (lib/protocol/call.ts#CallRoomRequest): every request must
// be signed with the server secret; bad ones get a status and a reason and change nothing.
import { callRoom } from "../../lib/protocol/internal_api.ts";
import { readSigned } from "../../lib/protocol/signed_reader.ts";
import type { CallState } from "./reducer.ts";
import type { PartyConfig } from "../shared/config.ts";
import { fail, json, refused } from "../shared/http.ts";
import { createCall, endByServer, view } from "./reducer.ts";

const MAX_BODY_BYTES = 16 * 1024;

/** What the handler may read and do: the call room (room.ts) implements it. */
export interface CallRoomHandle {
  readonly config: PartyConfig;
  /** The call's id: the request's room. */
  readonly id: string;
  readonly state: CallState | undefined;
  /** Makes `next` the state: stores it, re-arms the clock, and tells everyone who needs to know. */
  commit(next: CallState): void;
}

export async function handleCallRequest(room: CallRoomHandle, req: Request): Promise<Response> {
  if (req.method !== "POST") return fail(405, "method_not_allowed", "Use a signed POST.");
  const read = await readSigned(callRoom, req, { secret: room.config.serverSecret, maxBytes: MAX_BODY_BYTES });
  if (!read.ok) return refused(read.refusal);
  const r = read.data;
  if (r.type === "init") {
    if (r.callId !== room.id) {
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
  if (r.type === "end") room.commit(endByServer(s, Date.now()));
  return json({ ok: true, call: view(room.state!) });
}
