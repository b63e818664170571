// Sending DMs and logging calls in threads: validation, blocks, limits, the store, then live
// delivery to both people's inbox rooms. Routes call these; nothing here knows about HTTP bodies.
import type { Deps } from "../http/env.ts";
import { FieldError, HttpError } from "../http/errors.ts";
import { DmStore, entryId, type ThreadRecord } from "../kv/dms.ts";
import type { User } from "../kv/users.ts";
import { type DmEntry, DmText, type ThreadSummary } from "../../protocol/dm.ts";
import { DM_SENDS, takeAttempt } from "./attempts.ts";
import { deliver, peerInfo } from "./inbox.ts";

/** Sends a text from `me` to `them`. Throws an HttpError (and stores nothing) when refused. */
export async function sendDm(deps: Deps, me: User, them: User, rawText: unknown): Promise<DmEntry> {
  if (me.id === them.id) throw new HttpError(400, "dm.err.self");
  const text = DmText.safeParse(rawText);
  if (!text.success) {
    throw new FieldError("text", text.error.issues[0].message === "dm_too_long" ? "dm.err.too_long" : "dm.err.empty");
  }
  if (await deps.social.blocks(me.id, them.id)) throw new HttpError(403, "dm.err.blocked_by_you");
  if (await deps.social.blocks(them.id, me.id)) throw new HttpError(403, "dm.err.blocked");
  if (await takeAttempt(deps.kv, ["dm_rate", me.id], DM_SENDS)) throw new HttpError(429, "dm.err.rate_limited");
  const at = Date.now();
  const entry: DmEntry = { kind: "text", id: entryId(at), from: me.id, to: them.id, text: text.data, at };
  await appendAndDeliver(deps, entry, me, them);
  return entry;
}

/** Stores an entry between `a` (its `from`) and `b`, and tells every open tab of both. */
export async function appendAndDeliver(deps: Deps, entry: DmEntry, a: User, b: User): Promise<void> {
  const rec = await new DmStore(deps.kv).append(entry);
  await Promise.all([
    deliver(deps.config, a.id, [{ type: "dm", peer: peerInfo(b), entry, unread: rec.from.unread }]),
    deliver(deps.config, b.id, [{ type: "dm", peer: peerInfo(a), entry, unread: rec.to.unread }]),
  ]);
}

/** The reader's thread list with each peer's public info; threads with deleted accounts are left out. */
export async function threadSummaries(deps: Deps, owner: string): Promise<ThreadSummary[]> {
  const records = await new DmStore(deps.kv).threads(owner);
  const peers = new Map((await deps.users.getMany(records.map((r) => r.peerId))).map((u) => [u.id, u]));
  return records.flatMap((r: ThreadRecord) => {
    const p = peers.get(r.peerId);
    return p ? [{ peer: peerInfo(p), last: r.last, unread: r.unread, updatedAt: r.updatedAt }] : [];
  });
}

/** Marks a thread read and tells the reader's other tabs. */
export async function markRead(deps: Deps, me: User, peerId: string): Promise<void> {
  if (await new DmStore(deps.kv).markRead(me.id, peerId)) {
    await deliver(deps.config, me.id, [{ type: "read", peerId }]);
  }
}
