// The id of the JSON block (`{ "scripts": [...], "preloads": [...] }`) in which a Space page opened
// from its link lists its islands' files, loaded once its media code is in (components/Layout.tsx)
// and read by partial navigation (lib/browser/partial.ts) as it reads other pages' script tags.
export const AFTER_MEDIA_ID = "island-scripts";
