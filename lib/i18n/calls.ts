// Strings of DMs and calls, in the three languages. Keys start with "dm." or "call.".
const en = {
  "dm.placeholder": "Messages",
} as const;

type Keys = keyof typeof en;

export const calls = {
  en,
  fr: { "dm.placeholder": "Messages" } satisfies Record<Keys, string>,
  it: { "dm.placeholder": "Messaggi" } satisfies Record<Keys, string>,
};
