// What the page and the call's worker (worker.ts) say to each other; apart from the worker so that
// the page's code never loads the worker's own types (its global scope is a worker's).
import type { FrameKind } from "./frame_crypto.ts";

export type WorkerIn =
  | {
    type: "keys";
    keyId: number;
    send: Record<FrameKind, CryptoKey>;
    recv: Record<FrameKind, CryptoKey>;
  }
  | { type: "streams"; dir: "send" | "recv"; kind: FrameKind; readable: ReadableStream; writable: WritableStream }
  | { type: "stats" };

export interface WorkerStats {
  sealed: number;
  opened: number;
  dropped: Record<string, number>;
}
