// Text normalisation for handles and people search: accent- and case-insensitive.

/** Lower case, accents stripped (é -> e, ß stays), spaces folded. */
export function fold(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

export const HANDLE_RE = /^[a-z0-9_]{3,15}$/;

/** Handles are stored lower case; the rule: 3-15 of a-z, 0-9, underscore. */
export function normaliseHandle(raw: string): string {
  return raw.trim().replace(/^@/, "").toLowerCase();
}

/** The search terms an account is found by: its handle and each word of its display name. */
export function searchTerms(handle: string, displayName: string): string[] {
  const words = fold(displayName).split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length > 0);
  const full = fold(displayName);
  return [...new Set([handle, full, ...words].filter((t) => t.length > 0 && t.length <= 60))];
}

const COLOURS = ["#7c3aed", "#db2777", "#ea580c", "#16a34a", "#0891b2", "#2563eb", "#9333ea", "#c026d3"];

/** A stable avatar colour from the user id. */
export function avatarColour(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLOURS[h % COLOURS.length];
}

export function initials(displayName: string): string {
  const parts = displayName.trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? "?").slice(0, 2);
  return s.toUpperCase();
}
