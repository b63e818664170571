// Signed, best-effort requests from a room to the SFU, the web server or another room, by their
// contracts (lib/protocol/internal_api.ts), through the one signed client: signed per attempt,
// retried on network errors and 5xx, never thrown. Given several base URLs (every SFU of the
// list, which pass a Space's grants on to each other), each attempt goes to the next one, so one
// SFU down does not lose a removal.
import type { AnyContract, ParamsOf, RequestOf } from "../../lib/protocol/contract.ts";
import { BEST_EFFORT_DELAYS_MS, pushSigned } from "../../lib/protocol/signed_client.ts";

/** Sends a signed request, retrying on network errors and 5xx; resolves to whether it landed. */
export async function postSigned<C extends AnyContract>(
  secret: string,
  contract: C,
  to: string | readonly string[],
  params: ParamsOf<C>,
  body: RequestOf<C>,
): Promise<boolean> {
  const res = await pushSigned(contract, { secret, to, params, body, retryDelaysMs: BEST_EFFORT_DELAYS_MS });
  if (res.ok) return true;
  const { status, code, url, message } = res.error;
  if (code === "invalid_request") {
    // Refused here, before it went: the room built a request its own contract does not allow.
    console.error(`party: ${message}`);
  } else if (status < 500) {
    console.warn(`party: POST ${url} refused with ${status}`);
  } else {
    console.warn(`party: POST ${url} gave up after ${BEST_EFFORT_DELAYS_MS.length + 1} attempts (${message})`);
  }
  return false;
}
