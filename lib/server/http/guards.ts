// Request guards: CSRF by Origin / Sec-Fetch-Site, and the signed-in requirement.
import type { Context, MiddlewareHandler } from "hono";
import type { User } from "../kv/users.ts";
import type { AppEnv } from "./env.ts";
import { verifyRequest } from "../../protocol/token.ts";
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

/** The JSON body of an internal request signed with the server secret (by a party room), or 401/400. */
export async function readSignedBody(c: Context<AppEnv>): Promise<unknown> {
  const raw = await c.req.text();
  if (!(await verifyRequest(c.get("deps").config.serverSecret, raw, c.req.raw.headers))) {
    throw new HttpError(401, "err.forbidden", "unsigned internal request");
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "err.bad_request");
  }
}
