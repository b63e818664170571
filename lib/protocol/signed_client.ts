// The one way a Spazio server calls another's internal endpoint: the request is checked with its
// contract (internal_api.ts) before it goes, signed with the server secret (per attempt: the
// receiver refuses stale timestamps), sent with a deadline, and the answer checked with the
// contract's answer schema. The result is typed data or a typed error; nothing here throws.
// With `retry`, network errors and 5xx are tried again (each attempt to the next URL of the list,
// so one SFU down does not lose a removal); a 4xx will not get better by asking again.
// Web Crypto and fetch only: Deno, workerd and Node 20+ all load it.
import type { AnswerOf, AnyContract, ParamsOf, RequestOf } from "./contract.ts";
import { Refusal } from "./contract.ts";
import { signRequest } from "./token.ts";

/**
 * Why a call did not give an answer: the receiver's refusal (its status, code and message), or
 * `unreachable` (503: no answer in time), `invalid_request` (400: the request broke its own
 * contract and was not sent), `bad_answer` (a 2xx whose body is not the contract's answer) or `too_big`.
 */
export class SignedCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The receiver's own refusal body, when it sent one. */
    readonly refusal?: Refusal,
    /** The URL of the last attempt. */
    readonly url = "",
  ) {
    super(message);
    this.name = "SignedCallError";
  }
}

export type SignedResult<T> = { ok: true; status: number; data: T } | {
  ok: false;
  error: SignedCallError;
};

/** The retry schedule party/shared/post.ts has always used: 4 attempts over about 4 seconds. */
export const BEST_EFFORT_DELAYS_MS: readonly number[] = [250, 1_000, 3_000];

export interface SignedCallOptions<C extends AnyContract> {
  secret: string;
  /** The receiver's base URL, or a list of them (attempt n goes to `to[n % to.length]`). */
  to: string | readonly string[];
  params: ParamsOf<C>;
  /** The request; a GET contract takes none. */
  body?: RequestOf<C>;
  /** Per attempt; 5 s by default. */
  timeoutMs?: number;
  /** Delays between attempts; absent: one attempt. */
  retryDelaysMs?: readonly number[];
  /** The largest answer read (by Content-Length before, by length after); 1 MiB by default. */
  maxAnswerBytes?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends a signed request by its contract; the answer parsed with the contract's answer schema. */
export function callSigned<C extends AnyContract>(
  c: C,
  opts: SignedCallOptions<C>,
): Promise<SignedResult<AnswerOf<C>>> {
  return send(c, opts, true) as Promise<SignedResult<AnswerOf<C>>>;
}

/**
 * Sends a signed request whose answer the caller does not need (a best-effort push): only its
 * status counts, and the body is not read.
 */
export function pushSigned<C extends AnyContract>(
  c: C,
  opts: SignedCallOptions<C>,
): Promise<SignedResult<null>> {
  return send(c, opts, false) as Promise<SignedResult<null>>;
}

async function send<C extends AnyContract>(
  c: C,
  opts: SignedCallOptions<C>,
  readAnswer: boolean,
): Promise<SignedResult<unknown>> {
  const urls = (typeof opts.to === "string" ? [opts.to] : opts.to).map((base) =>
    `${base.replace(/\/+$/, "")}${c.path(opts.params)}`
  );
  const checked = c.request.safeParse(opts.body);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue.path.join(".") || "body";
    return fail(
      new SignedCallError(
        400,
        "invalid_request",
        `${c.name}: ${where}: ${issue.message}`,
        undefined,
        urls[0],
      ),
    );
  }
  const body = c.method === "GET" ? "" : JSON.stringify(checked.data);
  const delays = opts.retryDelaysMs ?? [];
  const doFetch = opts.fetch ?? fetch;
  let last: SignedCallError | undefined;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    const url = urls[attempt % urls.length];
    let res: Response;
    try {
      const signature = await signRequest(opts.secret, body, opts.now?.());
      res = await doFetch(url, {
        method: c.method,
        headers: c.method === "GET" ? signature : { "content-type": "application/json", ...signature },
        ...(c.method === "GET" ? {} : { body }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      });
    } catch (err) {
      last = new SignedCallError(
        503,
        "unreachable",
        `${c.name}: ${url} could not be reached (${err})`,
        undefined,
        url,
      );
      if (attempt < delays.length) await (opts.sleep ?? sleepFor)(delays[attempt]);
      continue;
    }
    if (res.ok) {
      return readAnswer
        ? await answerOf(c, res, url, opts.maxAnswerBytes)
        : (await drop(res), { ok: true, status: res.status, data: null });
    }
    last = await refusalOf(c, res, url);
    // A 4xx will not get better by asking again.
    if (res.status < 500) break;
    if (attempt < delays.length) await (opts.sleep ?? sleepFor)(delays[attempt]);
  }
  return fail(last!);
}

const fail = (error: SignedCallError): SignedResult<never> => ({ ok: false, error });

async function drop(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

/** The answer's text, or null when it is larger than `max`. */
async function boundedText(res: Response, max: number): Promise<string | null> {
  if (Number(res.headers.get("content-length") ?? 0) > max) {
    await drop(res);
    return null;
  }
  const text = await res.text();
  return text.length > max ? null : text;
}

async function answerOf(
  c: AnyContract,
  res: Response,
  url: string,
  max = 1 << 20,
): Promise<SignedResult<unknown>> {
  let text: string | null;
  try {
    text = await boundedText(res, max);
  } catch (err) {
    return fail(
      new SignedCallError(
        503,
        "unreachable",
        `${c.name}: the answer from ${url} broke off (${err})`,
        undefined,
        url,
      ),
    );
  }
  if (text === null) {
    return fail(
      new SignedCallError(
        res.status,
        "too_big",
        `${c.name}: the answer is over ${max} bytes`,
        undefined,
        url,
      ),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(
      new SignedCallError(
        res.status,
        "bad_answer",
        `${c.name}: the answer is not JSON`,
        undefined,
        url,
      ),
    );
  }
  const parsed = c.answer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join(".") || "answer";
    return fail(
      new SignedCallError(
        res.status,
        "bad_answer",
        `${c.name}: the answer does not match its contract (${where}: ${issue.message})`,
        undefined,
        url,
      ),
    );
  }
  return { ok: true, status: res.status, data: parsed.data };
}

async function refusalOf(c: AnyContract, res: Response, url: string): Promise<SignedCallError> {
  let json: unknown = null;
  try {
    const text = await boundedText(res, 64 * 1024);
    json = text === null ? null : JSON.parse(text);
  } catch { /* not JSON: the status says enough */ }
  const refusal = Refusal.safeParse(json);
  if (refusal.success) {
    return new SignedCallError(
      res.status,
      refusal.data.code,
      refusal.data.message,
      refusal.data,
      url,
    );
  }
  return new SignedCallError(
    res.status,
    `http_${res.status}`,
    `${c.name}: ${url} answered ${res.status}`,
    undefined,
    url,
  );
}
