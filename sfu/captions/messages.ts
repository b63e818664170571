// What the SFU and a recogniser process (child.ts) say to each other over the IPC channel.

/** SFU -> recogniser. */
export type ParentMessage = { t: "audio"; pcm: Uint8Array } | { t: "end" };

/** Recogniser -> SFU. `pause`: the engine ended the utterance itself (not told to). */
export type ChildMessage =
  | { t: "ready" }
  | { t: "error"; message: string }
  | { t: "partial"; text: string }
  | { t: "final"; text: string; pause: boolean }
  | { t: "ack"; samples: number };

/** Partials no oftener than this: enough to read along, little enough for the rooms. */
export const PARTIAL_EVERY_MS = 250;
