// Node's IncomingMessage as the one signed reader (lib/protocol/signed_reader.ts) takes it: its
// headers, and its body read with a size limit (http-json.ts), so a body past the limit is
// refused (413) while it is still arriving. A refusal becomes the SfuError the SFU answers with.
import type { IncomingMessage } from "node:http";
import type { AnyContract, ParsedRequestOf } from "../lib/protocol/contract.ts";
import {
  parseSignedBody,
  type ReaderRefusal,
  readSignedText,
  type SignedRequestLike,
} from "../lib/protocol/signed_reader.ts";
import { SfuError } from "./errors.ts";
import { BodyError, readBody } from "./http-json.ts";

export function headerValue(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] ?? null : v ?? null;
}

/** The request as the signed reader takes it; `text()` throws BodyError (too big, or gone). */
export function signedRequestOf(req: IncomingMessage, maxBytes: number): SignedRequestLike {
  return {
    headers: { get: (name) => headerValue(req, name) },
    text: () => readBody(req, maxBytes),
  };
}

/** The SFU's error for a refusal of the reader (too big is a BodyError, answered 413 `too_big`). */
function sfuErrorOf(r: ReaderRefusal): Error {
  if (r.status === 413) return new BodyError("too_big");
  if (r.status === 401) {
    return new SfuError(
      "unauthorized",
      "request is not signed with the server secret, or is stale",
    );
  }
  return new SfuError("bad_request", r.message);
}

/** The body of a signed request, size and signature checked; throws SfuError or BodyError. */
export async function readSignedBody(
  req: IncomingMessage,
  secret: string,
  maxBytes: number,
): Promise<string> {
  const read = await readSignedText(signedRequestOf(req, maxBytes), { secret, maxBytes });
  if (!read.ok) throw sfuErrorOf(read.refusal);
  return read.data;
}

/** A checked body parsed by its contract; throws SfuError (`bad_request`, the first issue). */
export function parseBody<C extends AnyContract>(c: C, body: string): ParsedRequestOf<C> {
  const parsed = parseSignedBody(c, body);
  if (!parsed.ok) throw sfuErrorOf(parsed.refusal);
  return parsed.data;
}
