// The session cookie: HttpOnly, SameSite=Lax, Secure when the site is served over HTTPS.
import { forwardedClient, trustedHops } from "./client_ip.ts";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./env.ts";

export const SESSION_COOKIE = "spazio_session";
export const LANG_COOKIE = "spazio_lang";

export function isHttps(c: Context<AppEnv>): boolean {
  return c.get("origin").startsWith("https:");
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: isHttps(c),
    sameSite: "Lax",
    path: "/",
    maxAge: 30 * 86_400,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

export function clientIp(c: Context<AppEnv>): string {
  // Behind SPAZIO_TRUST_PROXY proxies, the X-Forwarded-For entry the outermost of them wrote.
  const fwd = forwardedClient(c.req.header("x-forwarded-for"), trustedHops(Deno.env.get("SPAZIO_TRUST_PROXY")));
  if (fwd) return fwd;
  const info = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return info?.remoteAddr?.hostname ?? "unknown";
}
