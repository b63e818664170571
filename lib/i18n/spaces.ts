// Strings of Spaces (pages, room, media), in the three languages. Keys start with "space.".
const en = {
  "space.placeholder": "Spaces",
} as const;

type Keys = keyof typeof en;

export const spaces = {
  en,
  fr: { "space.placeholder": "Spaces" } satisfies Record<Keys, string>,
  it: { "space.placeholder": "Spaces" } satisfies Record<Keys, string>,
};
