// Which browser pages may open Spazio's sockets (party rooms and the SFU), one rule for every
// process: they all read SPAZIO_ALLOWED_ORIGINS, a comma-separated list of origins where a
// pattern may end in `:*` for any port. Imports nothing runtime-specific.

/** What a development machine serves pages from. */
export const DEFAULT_ALLOWED_ORIGINS = "http://localhost:*,http://127.0.0.1:*";

/** SPAZIO_ALLOWED_ORIGINS as a list; unset or blank means the development default. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  const raw = value?.trim() ? value : DEFAULT_ALLOWED_ORIGINS;
  return raw.split(",").map((o) => o.trim()).filter(Boolean);
}

/**
 * Whether a browser page at `origin` may open a socket. A request without Origin is not from a
 * browser page (a server, a test, the bench); Origin only protects people's browsers from other
 * sites, and a non-browser client could forge it anyway, so the token remains the real gate.
 */
export function originAllowed(origin: string | null, patterns: string[]): boolean {
  if (origin === null) return true;
  return patterns.some((p) => {
    if (p === "*") return true;
    if (p.endsWith(":*")) {
      const base = p.slice(0, -2);
      return origin === base ||
        (origin.startsWith(`${base}:`) && /^\d+$/.test(origin.slice(base.length + 1)));
    }
    return origin === p;
  });
}
