// The SFU's one way of asking a party room (the authority) something: a POST signed with the
// server secret, with a deadline, failing closed. No answer is `unavailable` (503 upstream); a 404
// (the room knows no such Space or call) is `forbidden`: nobody may be in its media.
import { signRequest } from "../lib/protocol/token.ts";
import { SfuError } from "./errors.ts";

export async function askPartyRoom(
  opts: { partyUrl: string; serverSecret: string; timeoutMs: number },
  path: string,
  payload: unknown,
  what: string,
): Promise<unknown> {
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await fetch(`${opts.partyUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await signRequest(opts.serverSecret, body)) },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch {
    throw new SfuError("unavailable", `${what} could not be reached`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new SfuError(res.status === 404 ? "forbidden" : "unavailable", `${what} refused the check (${res.status})`);
  }
  return await res.json().catch(() => null);
}
