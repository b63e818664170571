// This device's setting (islands/CallSettings.tsx): when a browser in a call cannot encrypt it end
// to end, offer to go on without encryption (each person chooses each time). On unless turned off.
export const PLAIN_OK_KEY = "spazio-calls-plain-ok";

export function plainOkHere(): boolean {
  try {
    return localStorage.getItem(PLAIN_OK_KEY) !== "0";
  } catch {
    return true;
  }
}
