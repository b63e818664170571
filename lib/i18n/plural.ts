// Counted strings: "1 person found", "2 people found". A key that varies by count has one entry
// per plural category the catalogues need (`<key>.one`, `<key>.other`, ...); the language's own
// rules (Intl.PluralRules) pick the category, so French says "0 personne trouvée" and English
// "0 people found". A category a catalogue does not list falls back to `.other`.
import { catalogues, type Lang, type MessageKey, t } from "./mod.ts";

/** The keys that have plural forms: those with a `.other` entry, without the suffix. */
export type PluralKey = { [K in MessageKey]: K extends `${infer B}.other` ? B : never }[MessageKey];

const rules = new Map<Lang, Intl.PluralRules>();

/** Translates a counted key for `n`, filling `{n}` and any other placeholders. */
export function tn(lang: Lang, key: PluralKey, n: number, params: Record<string, string | number> = {}): string {
  let r = rules.get(lang);
  if (!r) rules.set(lang, r = new Intl.PluralRules(lang));
  const exact = `${key}.${r.select(n)}` as MessageKey;
  const k = exact in catalogues[lang] ? exact : `${key}.other` as MessageKey;
  return t(lang, k, { ...params, n: new Intl.NumberFormat(lang).format(n) });
}
