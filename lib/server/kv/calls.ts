// Calls as the web keeps them: each call's record, every person's call history (newest first),
// who is in a call now (for busy lines), and each person's call settings.
import { type CallSettings, readCallSettings } from "../../shared/call_rule.ts";
import { type CallStatus, isFinal } from "../../protocol/call.ts";
import { retryAtomic } from "./db.ts";

export interface CallRecord {
  id: string;
  callerId: string;
  calleeId: string;
  video: boolean;
  status: CallStatus;
  createdAt: number;
  acceptedAt: number | null;
  endedAt: number | null;
  durationS: number;
}

/** A person's "in a call" marker outlives any real call only if the room never reports its end. */
const ACTIVE_TTL_MS = 4 * 3600_000;

export class CallStore {
  constructor(private readonly kv: Deno.Kv) {}

  /** A person's choice; one stored in the older shape is migrated and written back as it is read. */
  async settings(userId: string): Promise<CallSettings> {
    const entry = await this.kv.get(["call_settings", userId]);
    const { settings, migrated } = readCallSettings(entry.value);
    // Only if nobody saved meanwhile: a choice saved since wins over the migration.
    if (migrated) await this.kv.atomic().check(entry).set(["call_settings", userId], settings).commit();
    return settings;
  }

  async saveSettings(userId: string, s: CallSettings): Promise<void> {
    await this.kv.set(["call_settings", userId], s);
  }

  async get(id: string): Promise<CallRecord | null> {
    return (await this.kv.get<CallRecord>(["calls", id])).value;
  }

  /** The call a person is in (ringing or answered), if any. */
  async activeCallOf(userId: string): Promise<string | null> {
    return (await this.kv.get<string>(["calls_active", userId])).value;
  }

  /** Stores a new call in both histories; a call that is not final marks both people as in a call. */
  async create(rec: CallRecord): Promise<void> {
    const op = this.kv.atomic()
      .check({ key: ["calls", rec.id], versionstamp: null })
      .set(["calls", rec.id], rec)
      .set(["calls_by_user", rec.callerId, -rec.createdAt, rec.id], true)
      .set(["calls_by_user", rec.calleeId, -rec.createdAt, rec.id], true);
    if (!isFinal(rec.status)) {
      op.set(["calls_active", rec.callerId], rec.id, { expireIn: ACTIVE_TTL_MS })
        .set(["calls_active", rec.calleeId], rec.id, { expireIn: ACTIVE_TTL_MS });
    }
    if (!(await op.commit()).ok) throw new Error("call id already taken");
  }

  /**
   * Moves a call to `status` once: a final call never changes again. Returns the record before
   * and after, or null when nothing changed (a repeated or stale report).
   */
  async update(id: string, patch: Pick<CallRecord, "status" | "acceptedAt" | "endedAt" | "durationS">) {
    return await retryAtomic<{ before: CallRecord; after: CallRecord } | false>(async () => {
      const cur = await this.kv.get<CallRecord>(["calls", id]);
      const before = cur.value;
      if (!before || isFinal(before.status) || before.status === patch.status) return false;
      const after = { ...before, ...patch };
      const op = this.kv.atomic().check(cur).set(["calls", id], after);
      if (isFinal(after.status)) {
        // Only clear markers that still point at this call: a person may have moved on.
        for (const who of [after.callerId, after.calleeId]) {
          const m = await this.kv.get<string>(["calls_active", who]);
          if (m.value === id) op.check(m).delete(["calls_active", who]);
        }
      }
      return (await op.commit()).ok ? { before, after } : null;
    }) || null;
  }

  /** A person's calls, newest first. */
  async history(userId: string, limit = 50): Promise<CallRecord[]> {
    const ids: string[] = [];
    for await (const r of this.kv.list({ prefix: ["calls_by_user", userId] }, { limit })) ids.push(r.key[3] as string);
    const out: CallRecord[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const rows = await this.kv.getMany<CallRecord[]>(ids.slice(i, i + 10).map((id) => ["calls", id]));
      for (const r of rows) if (r.value) out.push(r.value);
    }
    return out;
  }
}
