// Which texts show something: every name, title, comment and DM must (lib/protocol/text.ts#hasVisibleText).
import { equal } from "node:assert/strict";
import { hasVisibleText } from "./text.ts";

const cases: [label: string, text: string, visible: boolean][] = [
  ["empty", "", false],
  ["spaces, tabs and newlines", " \t\n\r ", false],
  ["no-break and ideographic spaces", "\u00A0\u3000\u2007\u202F", false],
  ["zero-width space, non-joiner, joiner", "\u200B\u200C\u200D", false],
  ["word joiner and invisible operators", "\u2060\u2061\u2062\u2063\u2064", false],
  ["byte order mark", "\uFEFF", false],
  ["bidi controls", "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C", false],
  ["soft hyphen", "\u00AD", false],
  ["variation selectors", "\uFE0F\uFE0E\u{E0100}", false],
  ["combining marks alone", "\u0301\u0308\u20DD", false],
  ["combining grapheme joiner", "\u034F", false],
  ["Hangul fillers", "\u3164\u115F\u1160\uFFA0", false],
  ["Braille blank", "\u2800\u2800", false],
  ["Mongolian vowel separator and selectors", "\u180E\u180B", false],
  ["Khmer inherent vowels", "\u17B4\u17B5", false],
  ["tag characters", "\u{E0001}\u{E0041}\u{E007F}", false],
  ["musical-symbol format characters", "\u{1D173}\u{1D17A}", false],
  ["control characters", "\u0000\u0007\u001B\u007F\u0085", false],
  ["a lone surrogate", "\uD800", false],
  ["a mix of all of them", " \u200B\u3164\u2800\uFE0F\u0301\u202E\uFEFF ", false],
  ["a letter", "a", true],
  ["a letter with a combining accent", "e\u0301", true],
  ["a letter among invisibles", "\u200B\u3164x\u2800", true],
  ["an emoji with its variation selector", "\u2764\uFE0F", true],
  ["a ZWJ emoji sequence", "👩\u200D💻", true],
  ["a keycap", "1\uFE0F\u20E3", true],
  ["a flag", "🇮🇹", true],
  ["a full stop", ".", true],
  ["CJK", "会議", true],
  ["Arabic with its marks", "مَرْحَبًا", true],
  ["Devanagari", "नमस्ते", true],
  ["a Braille letter (not blank)", "\u2801", true],
  ["a Hangul syllable", "한", true],
];

for (const [label, text, visible] of cases) {
  Deno.test(`hasVisibleText: ${label} -> ${visible}`, () => {
    equal(hasVisibleText(text), visible);
  });
}
