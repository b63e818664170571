// How a Space room keeps its state in room storage, so a restart or an eviction loses nothing.
// Split over keys because one stored value is limited (128 KiB on Durable Objects) and the ban
// list grows without bound: `state` (the core), `comments`, `blocked`, one `ban:<sub>` per ban,
// and one `report:<at>:<id>` per report.
import type { SpaceReport } from "../../lib/protocol/space_http.ts";
import type { SpaceState } from "./state.ts";

/**
 * The part of room (Durable Object) storage used here. Declared rather than imported so that
 * Deno can type-check the room without Cloudflare's type package.
 */
export interface RoomStorage {
  get<T>(key: string): Promise<T | undefined>;
  put(entries: Record<string, unknown>): Promise<void>;
  put<T>(key: string, value: T): Promise<void>;
  list<T>(options: { prefix: string }): Promise<Map<string, T>>;
  delete(key: string): Promise<boolean>;
}

type Core = Omit<SpaceState, "banned" | "comments" | "blocked">;

export async function loadSpace(storage: RoomStorage): Promise<SpaceState | undefined> {
  const core = await storage.get<Core>("state");
  if (!core) return undefined;
  const [comments, blocked, bans] = await Promise.all([
    storage.get<SpaceState["comments"]>("comments"),
    storage.get<string[]>("blocked"),
    storage.list<{ at: number; by: string }>({ prefix: "ban:" }),
  ]);
  const banned: SpaceState["banned"] = {};
  for (const [key, value] of bans) banned[key.slice(4)] = value;
  return { ...core, comments: comments ?? [], blocked: blocked ?? [], banned };
}

/**
 * Writes what changed between two states. Not awaited by callers: Durable Object writes are
 * applied in order, and the output gate holds back messages sent after a write until it is durable.
 */
export function saveSpace(
  storage: RoomStorage,
  prev: SpaceState | undefined,
  next: SpaceState,
): Promise<void> {
  const { banned, comments, blocked, ...core } = next;
  const entries: Record<string, unknown> = { state: core };
  if (comments !== prev?.comments) entries.comments = comments;
  if (blocked !== prev?.blocked) entries.blocked = blocked;
  if (banned !== prev?.banned) {
    for (const [sub, ban] of Object.entries(banned)) {
      if (!prev || !Object.hasOwn(prev.banned, sub)) entries[`ban:${sub}`] = ban;
    }
  }
  // put() takes at most 128 keys at a time.
  const keys = Object.keys(entries);
  const writes: Promise<void>[] = [];
  for (let i = 0; i < keys.length; i += 128) {
    writes.push(
      storage.put(Object.fromEntries(keys.slice(i, i + 128).map((k) => [k, entries[k]]))),
    );
  }
  return Promise.all(writes).then(() => undefined);
}

export function saveReport(storage: RoomStorage, report: SpaceReport): Promise<void> {
  return storage.put(`report:${String(report.at).padStart(15, "0")}:${report.id}`, report);
}

/** Reports stored in this room, oldest first (for review tooling and tests). */
export async function listReports(storage: RoomStorage): Promise<SpaceReport[]> {
  return [...(await storage.list<SpaceReport>({ prefix: "report:" })).values()];
}
