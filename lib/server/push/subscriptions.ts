// Push subscriptions: one per browser (endpoint) per person, with the language its notifications
// are written in. Endpoints are checked so the server never POSTs to somewhere a push service
// could not be (plain http, loopback, private networks) unless SPAZIO_PUSH_ALLOW_HTTP is set for
// local testing.
import { z } from "zod";
import { base64url } from "../../protocol/token.ts";
import type { Lang } from "../../i18n/mod.ts";

const B64URL = z.string().regex(/^[A-Za-z0-9_-]+$/);

/** What `PushSubscription.toJSON()` gives, as the settings page posts it. */
export const PushSubscriptionInput = z.object({
  endpoint: z.string().url().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    /** The browser's P-256 public key: 65 bytes, base64url. */
    p256dh: B64URL.min(86).max(88),
    /** The 16-byte auth secret, base64url. */
    auth: B64URL.min(21).max(24),
  }),
});
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionInput>;

export interface StoredSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  lang: Lang;
  createdAt: number;
}

/** Most browsers one person keeps subscribed; the oldest goes when a new one comes. */
const MAX_PER_USER = 10;

function privateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\./.test(h) || /^10\./.test(h) ||
    /^192\.168\./.test(h) || /^172\.(1[6-9]|2\d|3[01])\./.test(h) || /^169\.254\./.test(h) || /^0\./.test(h) ||
    /^f[cd]/.test(h) || /^fe80:/.test(h);
}

/** Whether the server may POST to this endpoint. */
export function endpointAllowed(endpoint: string): boolean {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return false;
  }
  if (Deno.env.get("SPAZIO_PUSH_ALLOW_HTTP")) return u.protocol === "https:" || u.protocol === "http:";
  return u.protocol === "https:" && !privateHost(u.hostname);
}

async function endpointKey(endpoint: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(endpoint));
  return base64url(new Uint8Array(d)).slice(0, 32);
}

export class PushStore {
  constructor(private readonly kv: Deno.Kv) {}

  async add(userId: string, sub: PushSubscriptionInput, lang: Lang): Promise<void> {
    const existing = await this.list(userId);
    const key = await endpointKey(sub.endpoint);
    const op = this.kv.atomic();
    if (existing.length >= MAX_PER_USER && !existing.some((s) => s.endpoint === sub.endpoint)) {
      const oldest = existing.sort((a, b) => a.createdAt - b.createdAt)[0];
      op.delete(["push_subs", userId, await endpointKey(oldest.endpoint)]);
    }
    const stored: StoredSubscription = { endpoint: sub.endpoint, keys: sub.keys, lang, createdAt: Date.now() };
    await op.set(["push_subs", userId, key], stored).commit();
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    await this.kv.delete(["push_subs", userId, await endpointKey(endpoint)]);
  }

  async list(userId: string): Promise<StoredSubscription[]> {
    const out: StoredSubscription[] = [];
    for await (const r of this.kv.list<StoredSubscription>({ prefix: ["push_subs", userId] })) out.push(r.value);
    return out;
  }
}
