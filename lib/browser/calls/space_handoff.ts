// A person is in a call or in a Space, never both: starting or answering a call leaves the Space
// first (the call screen and the ringer say so beforehand). The Space's module is imported only
// here and only when a call starts or rings, so pages without a Space never fetch its code for
// calls; where the Space page loaded it, the import is the same module and so the same Space.

/** Whether this page may be in a Space at all: on the Space's screen, or with its docked player. */
function maybeInSpace(): boolean {
  return document.body.classList.contains("in-space") || !!document.getElementById("dock")?.firstElementChild;
}

/** The title of the Space this page is in, if any. */
export async function spaceInProgress(): Promise<string | null> {
  if (!maybeInSpace()) return null;
  try {
    const { liveSpace } = await import("../space/live.ts");
    const s = liveSpace.peek();
    return s && !s.left && !s.client.stopped.peek() ? s.info.title : null;
  } catch {
    return null;
  }
}

/** Leaves the Space this page is in, if any. */
export async function leaveSpaceForCall(): Promise<void> {
  if (!maybeInSpace()) return;
  try {
    const { liveSpace, leaveSpace } = await import("../space/live.ts");
    if (liveSpace.peek()) leaveSpace();
  } catch { /* no Space code: no Space either */ }
}
