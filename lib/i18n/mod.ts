// The message catalogue and language choice. Islands import this too, so it stays runtime-free.
// The catalogues are one per area (base.ts, spaces.ts, calls.ts, recordings.ts, captions.ts), each with the
// three languages; they are merged here.
import { base } from "./base.ts";
import { calls } from "./calls.ts";
import { captions } from "./captions.ts";
import { recordings } from "./recordings.ts";
import { spaces } from "./spaces.ts";

export type MessageKey =
  | keyof typeof base.en
  | keyof typeof spaces.en
  | keyof typeof calls.en
  | keyof typeof recordings.en
  | keyof typeof captions.en;
export const LANGS = ["en", "fr", "it"] as const;
export type Lang = typeof LANGS[number];
export const LANG_NAMES: Record<Lang, string> = { en: "English", fr: "Français", it: "Italiano" };

/** Every string, by language. */
export const catalogues: Record<Lang, Record<MessageKey, string>> = {
  en: { ...base.en, ...spaces.en, ...calls.en, ...recordings.en, ...captions.en },
  fr: { ...base.fr, ...spaces.fr, ...calls.fr, ...recordings.fr, ...captions.fr },
  it: { ...base.it, ...spaces.it, ...calls.it, ...recordings.it, ...captions.it },
};

export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGS as readonly string[]).includes(x);
}

/** Translates a key, filling `{name}` placeholders. */
export function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const s = catalogues[lang]?.[key] ?? catalogues.en[key] ?? key;
  return params ? s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m)) : s;
}

/** Picks a language: the remembered choice first, then Accept-Language by quality, then English. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | null): Lang {
  if (isLang(cookie)) return cookie;
  const prefs = (acceptLanguage ?? "").split(",").map((part) => {
    const [tag, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return { tag: tag.toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) || 0 : 1 };
  }).filter((p) => p.tag && p.q > 0).sort((a, b) => b.q - a.q);
  for (const p of prefs) if (isLang(p.tag)) return p.tag;
  return "en";
}
