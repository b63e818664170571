// Sign-in sessions, single-use WebAuthn challenges and login throttling, all in KV with expiry
// so that any number of stateless web instances agree.
import { base64url, randomId } from "../../protocol/token.ts";

const SESSION_DAYS = 30;
const CHALLENGE_MS = 5 * 60_000;
/** The window `allow` counts attempts in: a fixed minute, the same for every web instance. */
export const THROTTLE_WINDOW_MS = 60_000;

async function sha256(s: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s))));
}

export interface Session {
  userId: string;
  createdAt: number;
}

export type ChallengePurpose = "register" | "authenticate" | "add-passkey";

export interface PendingChallenge {
  purpose: ChallengePurpose;
  /** For register: the chosen handle and name; for add-passkey: the signed-in user. */
  userId?: string;
  handle?: string;
  displayName?: string;
  webauthnUserId?: string;
}

export class SessionStore {
  constructor(private readonly kv: Deno.Kv) {}

  /** Returns the cookie value; only its hash is stored, so a KV dump yields no usable session. */
  async create(userId: string): Promise<string> {
    const token = randomId(32);
    await this.kv.set(["sessions", await sha256(token)], { userId, createdAt: Date.now() } satisfies Session, {
      expireIn: SESSION_DAYS * 86_400_000,
    });
    return token;
  }

  async get(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    const row = await this.kv.get<Session>(["sessions", await sha256(token)]);
    if (!row.value) return null;
    if (row.value.createdAt + SESSION_DAYS * 86_400_000 < Date.now()) return null;
    return row.value;
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.kv.delete(["sessions", await sha256(token)]);
  }

  async saveChallenge(challenge: string, pending: PendingChallenge): Promise<void> {
    await this.kv.set(["challenges", challenge], { ...pending, at: Date.now() }, { expireIn: CHALLENGE_MS });
  }

  /** Takes a challenge out of the store: the delete and the read commit together, so it works once. */
  async consumeChallenge(challenge: string, purpose: ChallengePurpose): Promise<PendingChallenge | null> {
    if (typeof challenge !== "string" || challenge.length > 200) return null;
    const row = await this.kv.get<PendingChallenge & { at: number }>(["challenges", challenge]);
    if (!row.value || row.value.purpose !== purpose || row.value.at + CHALLENGE_MS < Date.now()) return null;
    const res = await this.kv.atomic().check(row).delete(row.key).commit();
    return res.ok ? row.value : null;
  }

  /** Counts one attempt for `key` in a one-minute window; true while under `max`. */
  async allow(scope: string, key: string, max: number): Promise<boolean> {
    const bucket = Math.floor(Date.now() / THROTTLE_WINDOW_MS);
    const k = ["throttle", scope, key, bucket];
    for (let i = 0; i < 5; i++) {
      const cur = await this.kv.get<number>(k);
      const n = (cur.value ?? 0) + 1;
      const res = await this.kv.atomic().check(cur).set(k, n, { expireIn: 120_000 }).commit();
      if (res.ok) return n <= max;
    }
    return false;
  }
}
