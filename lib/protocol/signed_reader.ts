// The one way a Spazio server reads a signed internal request: its size (by Content-Length
// before reading, by length after), its signature and timestamp (the server secret), then its body
// by the contract's request schema. Anything else is a refusal with a status and a code the caller
// sends back as is: 413 too_big, 401 unsigned, 400 bad_request (the path and message of the first
// issue). The party passes a Request, the web Hono's c.req.raw, the SFU an adapter of Node's
// IncomingMessage (sfu/signed_request.ts).
// Web Crypto only: Deno, workerd and Node 20+ all load it.
import type { AnyContract, ParsedRequestOf } from "./contract.ts";
import { verifyRequest } from "./token.ts";

/**
 * What the reader needs of a request: its headers and its body, as `text()` (a Request; the SFU's
 * adapter throws from it when the body is too big or cut off) or as a string already read.
 */
export type SignedRequestLike =
  & { headers: { get(name: string): string | null } }
  & ({ text(): Promise<string> } | { body: string });

export type ReaderRefusalCode = "too_big" | "unsigned" | "bad_request";

/** Why a request was refused: send back `status` with `{ ok: false, code, message }`. */
export interface ReaderRefusal {
  status: 413 | 401 | 400;
  code: ReaderRefusalCode;
  message: string;
}

export type SignedRead<T> = { ok: true; data: T } | { ok: false; refusal: ReaderRefusal };

export interface SignedReadOptions {
  secret: string;
  /** The largest body taken, in characters of its text (what the party has always counted). */
  maxBytes: number;
  now?: number;
}

const TOO_BIG = (max: number): ReaderRefusal => ({
  status: 413,
  code: "too_big",
  message: `Request body too large (over ${max} bytes).`,
});
const UNSIGNED: ReaderRefusal = {
  status: 401,
  code: "unsigned",
  message: "This request is not signed with the server secret (or its timestamp is stale).",
};

const UNREADABLE: ReaderRefusal = {
  status: 400,
  code: "bad_request",
  message: "The request body could not be read to its end.",
};

/**
 * The body of a signed request as text, once its size and signature are checked; the first stage
 * of readSigned, for a receiver that picks the contract after (the SFU routes by path).
 */
export async function readSignedText(
  req: SignedRequestLike,
  opts: SignedReadOptions,
): Promise<SignedRead<string>> {
  // Anyone can reach these URLs: refuse a large body before reading it, as well as after.
  if (Number(req.headers.get("content-length") ?? 0) > opts.maxBytes) {
    return { ok: false, refusal: TOO_BIG(opts.maxBytes) };
  }
  let body: string;
  try {
    body = "text" in req ? await req.text() : req.body;
  } catch {
    // The client hung up in the middle of its body: nothing to answer it, and nothing to log.
    return { ok: false, refusal: UNREADABLE };
  }
  if (body.length > opts.maxBytes) return { ok: false, refusal: TOO_BIG(opts.maxBytes) };
  if (!(await verifyRequest(opts.secret, body, req.headers, opts.now))) {
    return { ok: false, refusal: UNSIGNED };
  }
  return { ok: true, data: body };
}

/** The second stage: a checked body parsed by the contract (a GET contract takes an empty body). */
export function parseSignedBody<C extends AnyContract>(
  c: C,
  body: string,
): SignedRead<ParsedRequestOf<C>> {
  let raw: unknown;
  if (c.method === "GET") {
    raw = undefined;
  } else {
    try {
      raw = JSON.parse(body);
    } catch {
      return {
        ok: false,
        refusal: { status: 400, code: "bad_request", message: "Body is not valid JSON." },
      };
    }
  }
  const parsed = c.request.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      refusal: {
        status: 400,
        code: "bad_request",
        message: `${issue.path.join(".") || "body"}: ${issue.message}`,
      },
    };
  }
  return { ok: true, data: parsed.data };
}

/** Reads a signed request by its contract: its data, or the refusal to send back. */
export async function readSigned<C extends AnyContract>(
  c: C,
  req: SignedRequestLike,
  opts: SignedReadOptions,
): Promise<SignedRead<ParsedRequestOf<C>>> {
  const text = await readSignedText(req, opts);
  return text.ok ? parseSignedBody(c, text.data) : text;
}
