// Sends Web Push messages: the payload is encrypted for each browser (aes128gcm) and signed with
// VAPID by the `web-push` library; the request itself goes out with fetch. A push service that
// says the subscription is gone (404, 410) gets it removed.
import webpush from "web-push";
import { PushStore, type StoredSubscription } from "./subscriptions.ts";
import { vapidKeys } from "./vapid.ts";

/** What the service worker receives (static/sw.js shows it). */
export interface PushPayload {
  type: "incomingCall" | "missedCall";
  title: string;
  body: string;
  /** Notifications with one tag replace each other: the missed call replaces the ringing one. */
  tag: string;
  /** Same-origin path opened by a click. */
  url: string;
  actions: { action: string; title: string; url: string }[];
  callId: string;
  /** Seconds the push service may hold it: a ringing call is worthless after its 30 s. */
  ttl: number;
}

const TIMEOUT_MS = 5_000;

/** Sends to every subscribed browser of a person; `make` writes the payload in each one's language. */
export async function pushTo(
  kv: Deno.Kv,
  userId: string,
  make: (sub: StoredSubscription) => PushPayload,
): Promise<{ sent: number; failed: number }> {
  const store = new PushStore(kv);
  const subs = await store.list(userId);
  if (subs.length === 0) return { sent: 0, failed: 0 };
  const vapid = await vapidKeys(kv);
  let sent = 0;
  let failed = 0;
  await Promise.all(subs.map(async (sub) => {
    const payload = make(sub);
    try {
      const req = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: sub.keys }, JSON.stringify(payload), {
        vapidDetails: vapid,
        TTL: payload.ttl,
        urgency: payload.type === "incomingCall" ? "high" : "normal",
        topic: payload.callId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32),
      });
      const res = await fetch(req.endpoint, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.body as Uint8Array<ArrayBuffer> | null,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) sent++;
      else {
        failed++;
        if (res.status === 404 || res.status === 410) await store.remove(userId, sub.endpoint);
        else console.warn(`push to ${new URL(sub.endpoint).host} refused: ${res.status}`);
      }
    } catch (err) {
      failed++;
      console.warn(`push to ${new URL(sub.endpoint).host} failed: ${err}`);
    }
  }));
  return { sent, failed };
}
