// The Space directory: every Space's metadata and its place in the live and upcoming lists.
// The live state itself (stage, hands, bans) belongs to the Space room; the room pushes what the
// directory shows (status, listener count, who is on stage) back here.
import { z } from "zod";
import { PublicStageMember } from "../../protocol/space_http.ts";
import { SPACE_LIMITS } from "../../protocol/space.ts";
import { randomId } from "../../protocol/token.ts";
import { fold, hasVisibleText } from "../../protocol/text.ts";
import { retryAtomic } from "./db.ts";

/** How far ahead a Space may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 14 * 86_400_000;
export const SPACE_LANGS = ["en", "fr", "it", "es", "de", "pt", "other"] as const;

export const Topic = z.string().trim().min(1).max(24).transform((s) => s.replace(/^#/, ""));
export const SpaceMeta = z.object({
  title: z.string().trim().min(1, "title_required").max(SPACE_LIMITS.titleMax, "title_too_long")
    .refine(hasVisibleText, "title_required"),
  topics: z.array(Topic).max(3, "too_many_topics").default([]),
  lang: z.enum(SPACE_LANGS),
});

export const SpaceRecord = SpaceMeta.extend({
  id: z.string(),
  hostId: z.string(),
  status: z.enum(["scheduled", "live", "ended"]),
  cancelled: z.boolean().default(false),
  scheduledFor: z.number().optional(),
  createdAt: z.number(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** Named in advance by the host; placed on stage by the room when they connect. */
  cohostIds: z.array(z.string()).max(2),
  speakerIds: z.array(z.string()).max(10),
  /** People on stage may turn cameras on; the live room owns it after the start. */
  allowVideo: z.boolean().default(false),
  /** Recorded from its start; the live room owns the switch after that. */
  record: z.boolean().default(false),
  listenerCount: z.number().int().nonnegative().default(0),
  stage: z.array(PublicStageMember).default([]),
});
export type SpaceRecord = z.infer<typeof SpaceRecord>;

function sortKey(s: SpaceRecord): number {
  if (s.status === "live") return -(s.startedAt ?? s.createdAt); // newest first
  if (s.status === "scheduled") return s.scheduledFor ?? s.createdAt; // soonest first
  return -(s.endedAt ?? s.createdAt);
}

const indexKey = (s: SpaceRecord) => ["spaces_by_status", s.status, sortKey(s), s.id];

export class SpaceStore {
  constructor(private readonly kv: Deno.Kv) {}

  async get(id: string): Promise<SpaceRecord | null> {
    if (!/^[A-Za-z0-9_-]{6,32}$/.test(id)) return null;
    return (await this.kv.get<SpaceRecord>(["spaces", id])).value;
  }

  async create(
    input: Omit<SpaceRecord, "id" | "createdAt" | "cancelled" | "listenerCount" | "stage" | "record"> & {
      record?: boolean;
    },
  ): Promise<SpaceRecord> {
    const space = SpaceRecord.parse({ ...input, id: randomId(9), createdAt: Date.now() });
    const res = await this.kv.atomic()
      .check({ key: ["spaces", space.id], versionstamp: null })
      .set(["spaces", space.id], space)
      .set(indexKey(space), 1)
      .set(["spaces_by_host", space.hostId, space.id], 1)
      .commit();
    if (!res.ok) throw new Error("space id collision");
    return space;
  }

  /** Read, change, write, with the status index moved in the same atomic step. */
  async update(id: string, change: (s: SpaceRecord) => SpaceRecord | null): Promise<SpaceRecord | null> {
    return await retryAtomic(async () => {
      const cur = await this.kv.get<SpaceRecord>(["spaces", id]);
      if (!cur.value) return { value: null };
      const next = change(cur.value);
      if (!next) return { value: cur.value };
      const parsed = SpaceRecord.parse(next);
      const res = await this.kv.atomic().check(cur).delete(indexKey(cur.value)).set(indexKey(parsed), 1)
        .set(["spaces", id], parsed).commit();
      return res.ok ? { value: parsed } : null;
    }).then((r) => r.value);
  }

  async remove(id: string): Promise<void> {
    const cur = await this.kv.get<SpaceRecord>(["spaces", id]);
    if (!cur.value) return;
    await this.kv.atomic().check(cur).delete(cur.key).delete(indexKey(cur.value))
      .delete(["spaces_by_host", cur.value.hostId, id]).commit();
  }

  async list(status: "live" | "scheduled", limit = 200): Promise<SpaceRecord[]> {
    const ids: string[] = [];
    for await (const r of this.kv.list({ prefix: ["spaces_by_status", status] }, { limit })) {
      ids.push(r.key[3] as string);
    }
    const out: SpaceRecord[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const rows = await this.kv.getMany<SpaceRecord[]>(ids.slice(i, i + 10).map((id) => ["spaces", id]));
      for (const r of rows) if (r.value && r.value.status === status) out.push(r.value);
    }
    return out;
  }

  async setReminder(spaceId: string, userId: string, on: boolean): Promise<void> {
    const op = this.kv.atomic();
    if (on) {
      op.set(["space_reminders", spaceId, userId], Date.now()).set(["user_reminders", userId, spaceId], Date.now());
    } else op.delete(["space_reminders", spaceId, userId]).delete(["user_reminders", userId, spaceId]);
    await op.commit();
  }

  async hasReminder(spaceId: string, userId: string): Promise<boolean> {
    return (await this.kv.get(["space_reminders", spaceId, userId])).value !== null;
  }

  /** Which of these Spaces the person has a reminder for, in batched reads. */
  async remindersAmong(userId: string, spaceIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < spaceIds.length; i += 10) {
      const rows = await this.kv.getMany(spaceIds.slice(i, i + 10).map((id) => ["user_reminders", userId, id]));
      for (const r of rows) if (r.value !== null) out.add(r.key[2] as string);
    }
    return out;
  }

  async saveReport(report: { id: string; spaceId: string; at: number } & Record<string, unknown>): Promise<void> {
    await this.kv.set(["reports", report.at, report.id], report);
  }
}

/** Filters of the home page: topic, language and a title search, all optional. */
export function matches(s: SpaceRecord, f: { topic?: string; lang?: string; q?: string }): boolean {
  if (f.topic && !s.topics.some((t) => fold(t) === fold(f.topic!))) return false;
  if (f.lang && s.lang !== f.lang) return false;
  if (f.q && !fold(s.title).includes(fold(f.q))) return false;
  return true;
}
