// The SFU's one way of calling another SFU of the list (lib/protocol/sfu_edge.ts): a POST signed
// with the server secret, with a deadline. No answer is `unavailable`; an answer is returned with
// its status, so a caller can tell "gone" (404) from a refusal.
import { signRequest } from "../lib/protocol/token.ts";
import { SfuError } from "./errors.ts";

export type InternalAnswer = { status: number; json: unknown };

export type InternalPost = (baseUrl: string, path: string, payload: unknown) => Promise<InternalAnswer>;

export function internalPoster(serverSecret: string, timeoutMs = 2_000): InternalPost {
  return async (baseUrl, path, payload) => {
    const body = JSON.stringify(payload);
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await signRequest(serverSecret, body)) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new SfuError("unavailable", `the media server at ${baseUrl} could not be reached`);
    }
    return { status: res.status, json: await res.json().catch(() => null) };
  };
}

/** The `message` of a refusal, for logs and errors. */
export function refusalOf(answer: InternalAnswer): string {
  const m = (answer.json as { message?: unknown } | null)?.message;
  return typeof m === "string" ? `${answer.status}: ${m}` : String(answer.status);
}
