// Web Push for calls: an incoming call and a missed one reach a closed app. Each browser gets the
// words in the language it subscribed with; the notification's actions open the call screen.
import type { Deps } from "../http/env.ts";
import { t } from "../../i18n/mod.ts";
import type { User } from "../kv/users.ts";
import { RING_MS } from "../../protocol/call.ts";
import { pushTo } from "../push/send.ts";

export interface CallNotice {
  kind: "incoming" | "missed";
  callId: string;
  from: User;
  video: boolean;
  /** Tabs the inbox reached (-1: unknown); pushed either way, since an open tab may be asleep. */
  tabsOpen: number;
}

/** Never throws: a push that fails must not undo the call it is about. */
export async function notifyCall(deps: Deps, to: User, n: CallNotice): Promise<void> {
  try {
    await pushTo(deps.kv, to.id, (sub) => {
      const url = `/calls/${n.callId}`;
      const body = t(sub.lang, n.video ? "call.push.body_video" : "call.push.body_audio");
      return n.kind === "incoming"
        ? {
          type: "incomingCall",
          title: t(sub.lang, "call.push.incoming_title", { name: n.from.displayName }),
          body,
          tag: `call-${n.callId}`,
          url,
          actions: [
            { action: "accept", title: t(sub.lang, "call.accept"), url: `${url}?answer=1` },
            { action: "open", title: t(sub.lang, "call.push.open"), url },
          ],
          callId: n.callId,
          ttl: Math.ceil(RING_MS / 1000),
        }
        : {
          type: "missedCall",
          title: t(sub.lang, "call.push.missed_title", { name: n.from.displayName }),
          body,
          tag: `call-${n.callId}`,
          url: `/messages/${n.from.handle}`,
          actions: [{ action: "open", title: t(sub.lang, "call.push.open"), url: `/messages/${n.from.handle}` }],
          callId: n.callId,
          ttl: 24 * 3600,
        };
    });
  } catch (err) {
    console.warn(`call ${n.callId}: push failed: ${err}`);
  }
}
