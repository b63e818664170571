// The call room's HTTP API for the web (lib/protocol/call.ts#CallRoomRequest): every request must
// be signed with the server secret; bad ones get a status and a reason and change nothing.
import type { AnswerInputOf } from "../../lib/protocol/contract.ts";
import { callRoom } from "../../lib/protocol/internal_api.ts";
import { readSigned } from "../../lib/protocol/signed_reader.ts";
import type { CallState } from "./reducer.ts";
import type { PartyConfig } from "../shared/config.ts";
import { fail, json, refused } from "../shared/http.ts";
import { createCall, endByServer, view } from "./reducer.ts";

export const CALL_MAX_BODY_BYTES = 16 * 1024;

/** What the handler may read and do: the call room (room.ts) implements it. */
export interface CallRoomHandle {
  readonly config: PartyConfig;
  /** The call's id: the request's room. */
  readonly id: string;
  readonly state: CallState | undefined;
  /** Makes `next` the state: stores it, re-arms the clock, and tells everyone who needs to know. */
  commit(next: CallState): void;
}

/** The call as it is now: every answer of the call room's API (the callRoom contract). */
const callNow = (s: CallState) => json({ ok: true, call: view(s) } satisfies AnswerInputOf<typeof callRoom>);

export async function handleCallRequest(room: CallRoomHandle, req: Request): Promise<Response> {
  if (req.method !== "POST") return fail(405, "method_not_allowed", "Use a signed POST.");
  const read = await readSigned(callRoom, req, { secret: room.config.serverSecret, maxBytes: CALL_MAX_BODY_BYTES });
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
      return same ? callNow(room.state) : fail(409, "conflict", "This call id is taken.");
    }
    room.commit(createCall(r, Date.now()));
    return callNow(room.state!);
  }
  const s = room.state;
  if (!s) return fail(404, "not_found", "No such call.");
  if (r.type === "end") room.commit(endByServer(s, Date.now()));
  return callNow(room.state!);
}
