// The web's side of the call rooms: signed requests to `/parties/call/<callId>` (the callRoom
// contract of lib/protocol/internal_api.ts).
import type { Config } from "../config.ts";
import type { CallRoomRequest, CallView } from "../../protocol/call.ts";
import { callRoom as callRoomContract } from "../../protocol/internal_api.ts";
import { callSigned } from "../../protocol/signed_client.ts";

const TIMEOUT_MS = 5_000;

/** Sends a signed request; resolves to the room's view of the call, or throws with the reason. */
export async function callRoom(config: Config, callId: string, req: CallRoomRequest): Promise<CallView> {
  const res = await callSigned(callRoomContract, {
    secret: config.serverSecret,
    to: config.partyUrl,
    params: { callId },
    body: req,
    timeoutMs: TIMEOUT_MS,
  });
  if (res.ok) return res.data.call;
  const { status, code, message } = res.error;
  if (code === "unreachable") throw new Error(message);
  throw new Error(`call room ${callId} answered ${status}: ${res.error.refusal?.message ?? message}`);
}
