// The web's side of the call rooms: signed requests to `/parties/call/<callId>`.
import type { Config } from "../config.ts";
import { type CallRoomRequest, CallView } from "../../protocol/call.ts";
import { signRequest } from "../../protocol/token.ts";

const TIMEOUT_MS = 5_000;

/** Sends a signed request; resolves to the room's view of the call, or throws with the reason. */
export async function callRoom(config: Config, callId: string, req: CallRoomRequest): Promise<CallView> {
  const body = JSON.stringify(req);
  const res = await fetch(`${config.partyUrl.replace(/\/+$/, "")}/parties/call/${encodeURIComponent(callId)}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(config.serverSecret, body)) },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const json = await res.json().catch(() => null) as { call?: unknown; message?: string } | null;
  if (!res.ok) throw new Error(`call room ${callId} answered ${res.status}: ${json?.message ?? ""}`);
  return CallView.parse(json?.call);
}
