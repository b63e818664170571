// Text normalisation for handles and people search (accent- and case-insensitive), and the one
// rule for what counts as saying something: a name, a title, a comment or a DM must show at least
// one character. Pure and runtime-free: the parties and the browser import it through the protocol.

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

// Each carries white initials at 4.5:1 or more (WCAG AA for small text: avatars go down to 28 px).
const COLOURS = ["#7c3aed", "#db2777", "#c2410c", "#15803d", "#0e7490", "#2563eb", "#9333ea", "#c026d3"];

/**
 * A stable avatar colour from the account id. Pages pass a user id ("k3j...") and the Space room
 * a room identity ("u:k3j..."): the "u:" is dropped, so one person has one colour everywhere.
 * Anonymous listeners ("a:...") keep their prefix: they are nobody's account.
 */
export function avatarColour(id: string): string {
  const key = id.startsWith("u:") ? id.slice(2) : id;
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLOURS[h % COLOURS.length];
}

export function initials(displayName: string): string {
  const parts = displayName.trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? "?").slice(0, 2);
  return s.toUpperCase();
}

/**
 * What renders as nothing on its own: whitespace, format characters (zero-width space, joiners,
 * U+2060, U+FEFF, bidi controls, tags, soft hyphen), controls, combining marks and variation
 * selectors without a base, lone surrogates, and the letters and symbols fonts draw blank (Hangul
 * fillers U+3164, U+115F, U+1160, U+FFA0; Braille blank U+2800; Khmer U+17B4/5; musical-symbol
 * format U+1D159, U+1D173-U+1D17A; shorthand format U+1BCA0-U+1BCA3; Mongolian U+180B-U+180F).
 */
const INVISIBLE =
  /[\s\p{Cc}\p{Cf}\p{Cs}\p{M}\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFFA0\u{1D159}\u{1D173}-\u{1D17A}\u{1BCA0}-\u{1BCA3}]/gu;

/** Whether a text shows anything: false for "", spaces, or only the characters above. */
export function hasVisibleText(s: string): boolean {
  return s.replace(INVISIBLE, "").length > 0;
}
