// Signed, best-effort POSTs from a room to the SFU, the web server or another room: signed with the
// server secret per attempt, retried on network errors and 5xx, never thrown. Every party uses it.
// Given several URLs (every SFU of the list, which pass a Space's grants on to each other), each
// attempt goes to the next one, so one SFU down does not lose a removal.
import { signRequest } from "../../lib/protocol/token.ts";

const RETRY_DELAYS_MS = [250, 1_000, 3_000];
const TIMEOUT_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs a signed JSON body, retrying on network errors and 5xx; resolves to whether it landed. */
export async function postSigned(secret: string, to: string | readonly string[], payload: unknown): Promise<boolean> {
  const body = JSON.stringify(payload);
  const urls = typeof to === "string" ? [to] : to;
  let last = "";
  let url = urls[0];
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    url = urls[attempt % urls.length];
    try {
      // Signed per attempt: the receiver refuses timestamps that are too old.
      const headers = { "content-type": "application/json", ...(await signRequest(secret, body)) };
      const res = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) return true;
      // A 4xx will not get better by asking again.
      if (res.status < 500) {
        console.warn(`party: POST ${url} refused with ${res.status}`);
        return false;
      }
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    if (attempt < RETRY_DELAYS_MS.length) await sleep(RETRY_DELAYS_MS[attempt]);
  }
  console.warn(
    `party: POST ${url} gave up after ${RETRY_DELAYS_MS.length + 1} attempts (${last})`,
  );
  return false;
}
