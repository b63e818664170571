// Where an ended Space's replay stands, for the screens that say so while it is being made (the
// ended Space screen, the dock): asks GET /api/spaces/<id> now and again until the answer can no
// longer change by itself (ready, none, empty, failed, gone). Mixing takes seconds to a minute;
// the room's end reaches the web a moment after it reaches the page, so "still live" is asked
// again too. A hidden tab asks nothing until it is seen again.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { replaySettled, type ReplayState, SpacePublicState } from "../../protocol/space_public.ts";

/** Between two questions while the replay is being made. */
const ASK_EVERY_MS = 3_000;
/** After this long the screen stops asking (a mix that never ends is a failure for the reader). */
const GIVE_UP_AFTER_MS = 10 * 60_000;

/** The replay's state, asked of the web; null until the first answer. */
export async function fetchReplayState(spaceId: string): Promise<ReplayState | null> {
  const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}`, { credentials: "same-origin" });
  if (!res.ok) return null;
  const parsed = SpacePublicState.safeParse(await res.json().catch(() => null));
  if (!parsed.success) return null;
  // Not ended in the directory yet: the room's end is on its way there.
  return parsed.data.status === "ended" ? parsed.data.replay : null;
}

/** The replay state of `spaceId`, starting from `initial`, followed while `active`. */
export function useReplayState(spaceId: string, initial: ReplayState | null, active = true): ReplayState | null {
  const state = useSignal<ReplayState | null>(initial);
  useEffect(() => {
    if (!active || replaySettled(state.peek())) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let asking = false;
    const until = Date.now() + GIVE_UP_AFTER_MS;
    const ask = async () => {
      timer = undefined;
      if (document.hidden || asking) return; // a hidden tab is asked again when it is seen
      asking = true;
      const next = await fetchReplayState(spaceId).catch(() => null);
      asking = false;
      if (stopped) return;
      if (next) state.value = next;
      if (!replaySettled(state.value) && Date.now() < until) timer = setTimeout(ask, ASK_EVERY_MS);
    };
    const onVisible = () => {
      if (!document.hidden && timer === undefined && !replaySettled(state.value) && Date.now() < until) void ask();
    };
    document.addEventListener("visibilitychange", onVisible);
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [spaceId, active]);
  return state.value;
}
