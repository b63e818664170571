// Creating, starting, editing and ending Spaces: the directory in KV and the live room kept in
// step. A Space's room is created when it goes live; a scheduled Space lives only in the directory.
import { z } from "zod";
import { FieldError, HttpError } from "../http/errors.ts";
import type { Deps } from "../http/env.ts";
import type { NamedPerson } from "../../protocol/space_http.ts";
import { MAX_SCHEDULE_AHEAD_MS, SpaceMeta, type SpaceRecord, SpaceStore } from "../kv/spaces.ts";
import type { User } from "../kv/users.ts";
import { RoomUnavailableError, SpaceRoomLink } from "./room_link.ts";

export const CreateSpaceInput = z.object({
  title: z.string().max(500),
  topics: z.array(z.string().max(100)).max(10).default([]),
  lang: z.string().max(10),
  scheduledFor: z.number().int().optional(),
  cohosts: z.array(z.string().max(20)).max(20).default([]),
  speakers: z.array(z.string().max(20)).max(20).default([]),
  allowVideo: z.boolean().default(false),
  /** Record the Space from its start (the host can stop and restart it while live). */
  record: z.boolean().default(false),
}).strict();

export const EditSpaceInput = CreateSpaceInput.partial().strict();

export const sub = (u: { id: string }) => `u:${u.id}`;
export const named = (u: User): NamedPerson => ({ sub: sub(u), handle: u.handle, name: u.displayName });

export class SpaceService {
  readonly spaces: SpaceStore;
  readonly room: SpaceRoomLink;

  constructor(private readonly deps: Deps) {
    this.spaces = new SpaceStore(deps.kv);
    this.room = new SpaceRoomLink(deps.config.partyUrl, deps.config.serverSecret);
  }

  /** Validates title, topics and language; errors name the form field. */
  meta(input: { title?: string; topics?: string[]; lang?: string }, base?: SpaceRecord) {
    const r = SpaceMeta.safeParse({
      title: input.title ?? base?.title,
      topics: input.topics ?? base?.topics ?? [],
      lang: input.lang ?? base?.lang,
    });
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const field = String(issue.path[0]);
    if (field === "title") {
      throw new FieldError(
        "title",
        issue.message === "title_too_long" ? "space.err.title_too_long" : "space.err.title_required",
      );
    }
    if (field === "topics") {
      throw new FieldError(
        "topics",
        issue.message === "too_many_topics" ? "space.err.too_many_topics" : "space.err.topic_invalid",
      );
    }
    throw new FieldError("lang", "err.bad_request");
  }

  schedule(at: number | undefined): number | undefined {
    if (at === undefined) return undefined;
    const now = Date.now();
    if (at < now - 60_000 || at > now + MAX_SCHEDULE_AHEAD_MS) {
      throw new FieldError("scheduledFor", "space.err.schedule_range");
    }
    return at;
  }

  /** Handles to accounts: every one must exist and must not be blocked by, or block, the host. */
  async people(host: User, handles: string[], field: string, max: number): Promise<User[]> {
    const clean = [...new Set(handles.map((h) => h.trim().replace(/^@/, "").toLowerCase()).filter(Boolean))];
    if (clean.length > max) throw new FieldError(field, "space.err.too_many_people");
    const out: User[] = [];
    for (const h of clean) {
      const u = await this.deps.users.byHandle(h);
      if (!u || u.id === host.id || (await this.deps.social.eitherBlocks(host.id, u.id))) {
        throw new FieldError(field, "space.err.unknown_handle");
      }
      out.push(u);
    }
    return out;
  }

  async create(host: User, raw: unknown): Promise<SpaceRecord> {
    const parsed = CreateSpaceInput.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, "err.bad_request");
    const input = parsed.data;
    const meta = this.meta(input);
    const scheduledFor = this.schedule(input.scheduledFor);
    const cohosts = await this.people(host, input.cohosts, "cohosts", 2);
    const speakers = await this.people(host, input.speakers, "speakers", 10);
    const space = await this.spaces.create({
      ...meta,
      hostId: host.id,
      status: scheduledFor ? "scheduled" : "live",
      scheduledFor,
      startedAt: scheduledFor ? undefined : Date.now(),
      cohostIds: cohosts.map((u) => u.id),
      speakerIds: speakers.map((u) => u.id),
      allowVideo: input.allowVideo,
      record: input.record,
    });
    if (!scheduledFor) {
      try {
        await this.openRoom(space, host);
      } catch (e) {
        await this.spaces.remove(space.id); // nothing half-made
        throw e;
      }
    }
    return space;
  }

  /** Creates the live room with the host, the people named in advance and the host's blocks. */
  async openRoom(space: SpaceRecord, host: User): Promise<void> {
    const [cohosts, speakers] = await Promise.all([
      this.deps.users.getMany(space.cohostIds),
      this.deps.users.getMany(space.speakerIds),
    ]);
    const blockedSubs = (await this.deps.social.blockedIds(host.id, 2000)).map((id) => `u:${id}`);
    try {
      await this.room.send(space.id, {
        type: "init",
        spaceId: space.id,
        title: space.title,
        host: named(host),
        cohosts: cohosts.map(named),
        speakers: speakers.map(named),
        blockedSubs,
        allowVideo: space.allowVideo,
        record: space.record,
        lang: space.lang,
      });
    } catch (e) {
      if (e instanceof RoomUnavailableError) throw new HttpError(503, "space.err.room_unavailable", e.message);
      throw e;
    }
  }

  async hostOf(spaceId: string, user: User): Promise<SpaceRecord> {
    const space = await this.spaces.get(spaceId);
    if (!space) throw new HttpError(404, "err.not_found");
    if (space.hostId !== user.id) throw new HttpError(403, "err.forbidden");
    return space;
  }

  async start(spaceId: string, host: User): Promise<SpaceRecord> {
    const space = await this.hostOf(spaceId, host);
    if (space.status !== "scheduled") throw new HttpError(409, "space.err.not_scheduled");
    await this.openRoom(space, host);
    return (await this.spaces.update(space.id, (s) => ({ ...s, status: "live", startedAt: Date.now() })))!;
  }

  async edit(spaceId: string, host: User, raw: unknown): Promise<SpaceRecord> {
    const space = await this.hostOf(spaceId, host);
    if (space.status !== "scheduled") throw new HttpError(409, "space.err.not_scheduled");
    const parsed = EditSpaceInput.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, "err.bad_request");
    const meta = this.meta(parsed.data, space);
    const scheduledFor = parsed.data.scheduledFor !== undefined
      ? this.schedule(parsed.data.scheduledFor)
      : space.scheduledFor;
    const cohostIds = parsed.data.cohosts
      ? (await this.people(host, parsed.data.cohosts, "cohosts", 2)).map((u) => u.id)
      : space.cohostIds;
    const speakerIds = parsed.data.speakers
      ? (await this.people(host, parsed.data.speakers, "speakers", 10)).map((u) => u.id)
      : space.speakerIds;
    const allowVideo = parsed.data.allowVideo ?? space.allowVideo;
    const record = parsed.data.record ?? space.record;
    return (await this.spaces.update(
      space.id,
      (s) =>
        s.status === "scheduled" ? { ...s, ...meta, scheduledFor, cohostIds, speakerIds, allowVideo, record } : null,
    ))!;
  }

  async cancel(spaceId: string, host: User): Promise<SpaceRecord> {
    const space = await this.hostOf(spaceId, host);
    if (space.status !== "scheduled") throw new HttpError(409, "space.err.not_scheduled");
    return (await this.spaces.update(
      space.id,
      (s) => ({ ...s, status: "ended", cancelled: true, endedAt: Date.now() }),
    ))!;
  }

  /** Tells the rooms of the host's live Spaces about a changed block list (best effort). */
  async pushBlocks(host: User): Promise<void> {
    const live = (await this.spaces.list("live")).filter((s) => s.hostId === host.id);
    if (!live.length) return;
    const blockedSubs = (await this.deps.social.blockedIds(host.id, 2000)).map((id) => `u:${id}`);
    await Promise.allSettled(live.map((s) => this.room.send(s.id, { type: "updateBlocks", blockedSubs })));
  }
}
