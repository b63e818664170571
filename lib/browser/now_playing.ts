// What goes on in this tab beyond the page on screen: the Space it is in and the call it is in.
// The shell's NowPlaying island (every page with a script) reads these; the Space's and the call's
// own modules (lib/browser/space/live.ts, lib/browser/calls/live_call.ts), loaded only by the pages
// that start them, set them. Only types come from those modules, so this one, and the island, stay
// free of the room clients and of mediasoup-client.
import { signal } from "@preact/signals";
import type { LiveSpace } from "./space/live.ts";
import type { LiveCall } from "./calls/live_call.ts";

/** The Space this tab is in, if any. */
export const liveSpace = signal<LiveSpace | null>(null);

/** The call this tab is in, if any. */
export const liveCall = signal<LiveCall | null>(null);

/** Leaves the Space this tab is in, if any: room, media and lock-screen controls. */
export function leaveSpace(): void {
  liveSpace.value?.leave();
  liveSpace.value = null;
}
