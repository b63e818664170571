// The SFU's one way of calling another SFU of the list: a signed request by its contract
// (lib/protocol/internal_api.ts, the SFU <-> SFU part) through the one signed client, with a
// deadline. The result is the answer as its contract types it, or the error with its status, so a
// caller can tell "gone" (404) from a refusal and from no answer at all (`unreachable`).
import type { AnswerOf, AnyContract, ParamsOf, RequestOf } from "../lib/protocol/contract.ts";
import { callSigned, type SignedCallError, type SignedResult } from "../lib/protocol/signed_client.ts";

/** The SFU <-> SFU contracts have no ids in their paths. */
type SfuContract = AnyContract & { path: (params: void) => string };

export type InternalPost = <C extends SfuContract>(
  baseUrl: string,
  contract: C,
  body: RequestOf<C>,
) => Promise<SignedResult<AnswerOf<C>>>;

export function internalPoster(serverSecret: string, timeoutMs = 2_000): InternalPost {
  return (baseUrl, contract, body) => {
    return callSigned(contract, {
      secret: serverSecret,
      to: baseUrl,
      params: undefined as ParamsOf<typeof contract>,
      body,
      timeoutMs,
    });
  };
}

/** Why a call failed, for logs and errors: the status and the receiver's message. */
export function refusalOf(error: SignedCallError): string {
  return error.refusal ? `${error.status}: ${error.refusal.message}` : String(error.status);
}
