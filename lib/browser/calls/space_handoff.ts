// A person is in a call or in a Space, never both: starting or answering a call leaves the Space
// first (the call screen and the ringer say so beforehand). The Space this tab is in is kept in
// lib/browser/now_playing.ts, which holds only signals: reading it loads no Space code.
import { leaveSpace, liveSpace } from "../now_playing.ts";

/** The title of the Space this page is in, if any. */
export function spaceInProgress(): Promise<string | null> {
  const s = liveSpace.peek();
  return Promise.resolve(s && !s.left && !s.client.stopped.peek() ? s.info.title : null);
}

/** Leaves the Space this page is in, if any. */
export function leaveSpaceForCall(): Promise<void> {
  if (liveSpace.peek()) leaveSpace();
  return Promise.resolve();
}
