// Request guards: CSRF by Origin / Sec-Fetch-Site, and the signed-in requirement.
import type { Context, MiddlewareHandler } from "hono";
import type { User } from "../kv/users.ts";
import type { AppEnv } from "./env.ts";
import type { AnyContract, ParsedRequestOf } from "../../protocol/contract.ts";
import { readSigned } from "../../protocol/signed_reader.ts";
import { HttpError, unauthorized } from "./errors.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses every state-changing request that a browser says came from another site. Browsers send
 * Sec-Fetch-Site on every request and Origin on every POST; a request with neither is not from a
 * browser page and must prove itself otherwise (internal routes use signatures and skip this).
 */
export function csrfGuard(skip: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || skip(c.req.path)) return await next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    if (site !== undefined && site !== "same-origin") throw new HttpError(403, "err.csrf");
    if (origin === undefined || origin !== c.get("origin")) throw new HttpError(403, "err.csrf");
    await next();
  };
}

export function requireUser(c: Context<AppEnv>): User {
  const u = c.get("user");
  if (!u) throw unauthorized();
  return u;
}

/** The largest internal request the web takes (a Space's state push with a full stage fits easily). */
const MAX_INTERNAL_BYTES = 256 * 1024;

/**
 * The body of an internal request signed with the server secret (by a party room), parsed by its
 * contract (lib/protocol/internal_api.ts); otherwise 413, 401 or 400, as an HttpError.
 */
export async function readSignedBody<C extends AnyContract>(
  c: Context<AppEnv>,
  contract: C,
): Promise<ParsedRequestOf<C>> {
  const read = await readSigned(contract, c.req.raw, {
    secret: c.get("deps").config.serverSecret,
    maxBytes: MAX_INTERNAL_BYTES,
  });
  if (read.ok) return read.data;
  const { status, message } = read.refusal;
  if (status === 413) throw new HttpError(413, "err.too_large", message);
  if (status === 401) throw new HttpError(401, "err.forbidden", "unsigned internal request");
  throw new HttpError(400, "err.bad_request", message);
}
