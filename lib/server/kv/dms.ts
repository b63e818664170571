// Direct messages: one thread per pair, with a per-reader record (last entry, unread count, how
// many texts this reader sent) and a recency index for the thread list. An entry and both
// readers' records are written in one atomic operation, so the list never disagrees with a thread.
import type { DmEntry } from "../../protocol/dm.ts";
import { randomId } from "../../protocol/token.ts";
import { retryAtomic } from "./db.ts";

/** One reader's view of a thread with `peerId`. */
export interface ThreadRecord {
  peerId: string;
  last: DmEntry | null;
  unread: number;
  updatedAt: number;
  /** Texts this reader has sent in the thread: the call rule asks whether the callee ever wrote. */
  sent: number;
}

/** The key both readers share: the two ids in order. User ids never contain a colon. */
export function threadKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** Sorts by time in KV's string order, with randomness so two entries in one ms never collide. */
export function entryId(at: number): string {
  return at.toString(36).padStart(10, "0") + randomId(6);
}

/** Whether an entry makes the reader's unread count go up: texts and calls they did not answer. */
function countsAsUnread(entry: DmEntry, reader: string): boolean {
  if (entry.to !== reader) return false;
  // A call cancelled before the callee answered reads "Missed call" on their side.
  return entry.kind === "text" || entry.outcome === "missed" || entry.outcome === "busy" ||
    entry.outcome === "cancelled";
}

export class DmStore {
  constructor(private readonly kv: Deno.Kv) {}

  async thread(owner: string, peer: string): Promise<ThreadRecord | null> {
    return (await this.kv.get<ThreadRecord>(["dm_threads", owner, peer])).value;
  }

  /** Whether `from` has ever sent `to` a text (call entries do not count). */
  async hasSent(from: string, to: string): Promise<boolean> {
    return ((await this.thread(from, to))?.sent ?? 0) > 0;
  }

  /**
   * Appends an entry to the thread of `entry.from` and `entry.to`, and updates both readers'
   * records. Returns the records after the write (sender's first).
   */
  async append(entry: DmEntry): Promise<{ from: ThreadRecord; to: ThreadRecord }> {
    const { from, to } = entry;
    return await retryAtomic(async () => {
      const [a, b] = await this.kv.getMany<[ThreadRecord, ThreadRecord]>([["dm_threads", from, to], [
        "dm_threads",
        to,
        from,
      ]]);
      const next = (cur: ThreadRecord | null, owner: string, peer: string): ThreadRecord => ({
        peerId: peer,
        last: entry,
        unread: (cur?.unread ?? 0) + (countsAsUnread(entry, owner) ? 1 : 0),
        updatedAt: Math.max(entry.at, cur?.updatedAt ?? 0),
        sent: (cur?.sent ?? 0) + (entry.kind === "text" && entry.from === owner ? 1 : 0),
      });
      const na = next(a.value, from, to);
      const nb = next(b.value, to, from);
      const op = this.kv.atomic().check(a, b).set(["dm_entries", threadKey(from, to), entry.id], entry);
      for (const [cur, rec, owner] of [[a.value, na, from], [b.value, nb, to]] as const) {
        if (cur) op.delete(["dm_recent", owner, -cur.updatedAt, rec.peerId]);
        op.set(["dm_threads", owner, rec.peerId], rec).set(["dm_recent", owner, -rec.updatedAt, rec.peerId], true);
      }
      return (await op.commit()).ok ? { from: na, to: nb } : null;
    });
  }

  /** The reader's threads, most recent first. */
  async threads(owner: string, limit = 50): Promise<ThreadRecord[]> {
    const peers: string[] = [];
    for await (const r of this.kv.list({ prefix: ["dm_recent", owner] }, { limit })) peers.push(r.key[3] as string);
    const out: ThreadRecord[] = [];
    for (let i = 0; i < peers.length; i += 10) {
      const rows = await this.kv.getMany<ThreadRecord[]>(peers.slice(i, i + 10).map((p) => ["dm_threads", owner, p]));
      for (const r of rows) if (r.value) out.push(r.value);
    }
    return out;
  }

  /** Entries of the thread between a and b, oldest first: the latest `limit`, or those before `before`. */
  async entries(a: string, b: string, opts: { limit?: number; before?: string } = {}): Promise<DmEntry[]> {
    const prefix = ["dm_entries", threadKey(a, b)];
    const sel = opts.before ? { prefix, end: [...prefix, opts.before] } : { prefix };
    const out: DmEntry[] = [];
    for await (const r of this.kv.list<DmEntry>(sel, { limit: opts.limit ?? 50, reverse: true })) out.push(r.value);
    return out.reverse();
  }

  /** Sets the reader's unread count of a thread to 0; false when it already was. */
  async markRead(owner: string, peer: string): Promise<boolean> {
    return await retryAtomic(async () => {
      const cur = await this.kv.get<ThreadRecord>(["dm_threads", owner, peer]);
      if (!cur.value || cur.value.unread === 0) return false;
      const ok = (await this.kv.atomic().check(cur).set(cur.key, { ...cur.value, unread: 0 }).commit()).ok;
      return ok ? true : null;
    });
  }

  /** Unread entries over all of the reader's threads (for a badge). */
  async unreadTotal(owner: string): Promise<number> {
    let n = 0;
    for (const t of await this.threads(owner, 200)) n += t.unread;
    return n;
  }
}
