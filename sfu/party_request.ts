// The SFU's one way of asking a party room (the authority) something: a signed request by its
// contract (lib/protocol/internal_api.ts) through the one signed client, with a deadline, failing
// closed. No answer, or one that breaks its contract, is `unavailable` (503 upstream); a 404 (the
// room knows no such Space or call) is `forbidden`: nobody may be in its media.
import type { AnswerOf, AnyContract, ParamsOf, RequestOf } from "../lib/protocol/contract.ts";
import { callSigned } from "../lib/protocol/signed_client.ts";
import { SfuError } from "./errors.ts";

export type PartyRequestOptions = { partyUrl: string; serverSecret: string; timeoutMs: number };

export async function askPartyRoom<C extends AnyContract>(
  opts: PartyRequestOptions,
  contract: C,
  params: ParamsOf<C>,
  body: RequestOf<C>,
  what: string,
): Promise<AnswerOf<C>> {
  const res = await callSigned(contract, {
    secret: opts.serverSecret,
    to: opts.partyUrl,
    params,
    body,
    timeoutMs: opts.timeoutMs,
  });
  if (res.ok) return res.data;
  const { status, code } = res.error;
  if (code === "unreachable") throw new SfuError("unavailable", `${what} could not be reached`);
  if (code === "bad_answer" || code === "too_big") throw new SfuError("unavailable", `${what}'s answer was not valid`);
  throw new SfuError(status === 404 ? "forbidden" : "unavailable", `${what} refused the check (${status})`);
}
