// The home's live list, kept current while the page is seen: asks GET /api/spaces (with the home's
// filters) every POLL_MS with the ETag of the last answer, so that nothing new costs a 304 and no
// body; a hidden tab asks nothing, and asks at once when it is seen again. Polling, not a stream:
// see routes/api/spaces/index.ts for why.
import { LiveSpaces, type SpaceCardData } from "../../protocol/space_public.ts";

/** Between two questions: a Space that starts or ends shows within this, at a 304 a time. */
export const POLL_MS = 10_000;

/**
 * Follows the live list for `query` (the home's search string, "" or "?…"), from the list the page
 * was rendered with (`firstEtag`); returns the stop.
 */
export function followLiveSpaces(
  query: string,
  firstEtag: string,
  onChange: (spaces: SpaceCardData[]) => void,
): () => void {
  let etag = firstEtag;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let asking = false;
  const url = `/api/spaces${query}`;
  const ask = async () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || asking || document.hidden) return;
    asking = true;
    try {
      const res = await fetch(url, {
        credentials: "same-origin",
        headers: etag ? { "if-none-match": etag } : {},
        cache: "no-store",
      });
      if (res.status === 200) {
        const parsed = LiveSpaces.safeParse(await res.json().catch(() => null));
        if (parsed.success && !stopped) {
          etag = res.headers.get("etag") ?? "";
          onChange(parsed.data.spaces);
        }
      }
    } catch { /* offline for a moment: the next question will tell */ }
    asking = false;
    if (!stopped && !document.hidden) timer = setTimeout(ask, POLL_MS);
  };
  const onVisible = () => {
    if (!document.hidden && timer === undefined) void ask();
  };
  document.addEventListener("visibilitychange", onVisible);
  timer = setTimeout(ask, POLL_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
