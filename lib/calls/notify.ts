// Web Push for calls: an incoming call and a missed one reach a closed app. Filled in by
// lib/push/; until a person subscribes it does nothing.
import type { Deps } from "../http/env.ts";
import type { User } from "../kv/users.ts";

export interface CallNotice {
  kind: "incoming" | "missed";
  callId: string;
  from: User;
  video: boolean;
  /** Tabs the inbox reached (-1: unknown). */
  tabsOpen: number;
}

export async function notifyCall(_deps: Deps, _to: User, _notice: CallNotice): Promise<void> {}
