// What the Space room keeps while it is recorded: who was on stage when, the comments, the
// reactions (summed per burst of about a second, the shards' sums too) and the pins, so that a
// replay shows them at their time. Kept in room storage as it happens, one small key per entry
// and a meta key with the counters (a room woken from hibernation or restarted carries on), and
// bounded per kind (TIMELINE_LIMITS: the oldest go first). Times are wall-clock ms.
import type { Person, Pin, Reaction, SpaceEvent, StageRole } from "../../lib/protocol/space.ts";
import { type RoomTimeline, TIMELINE_LIMITS } from "../../lib/protocol/space_http.ts";
import { type Delivery, person, type SpaceState } from "./state.ts";
import type { RoomStorage } from "./store.ts";

type Kind = keyof typeof TIMELINE_LIMITS;
const PREFIX: Record<Kind, string> = {
  stage: "tl:s:",
  comments: "tl:c:",
  reactions: "tl:r:",
  pins: "tl:p:",
  captions: "tl:t:",
};
/** Reactions of one kind closer together than this are one burst. */
export const BURST_MS = 1_000;

type OpenSeat = { role: StageRole; from: number; person: Person };
type StageEntry = { person: Person; role: StageRole; from: number; to: number };
type CommentEntry = { person: Person; id: string; text: string; at: number };
type ReactionEntry = { emoji: Reaction; count: number; at: number };
type PinEntry = { at: number; pin: Pin | null };
type CaptionEntry = { person: Person; text: string; from: number; to: number };

interface Meta {
  startedAt: number;
  /** People on stage now, while recording: their interval is still open. */
  open: Record<string, OpenSeat>;
  /** Per kind, the first kept entry and the next number to use. */
  n: Record<Kind, { first: number; next: number }>;
  /** The burst each reaction is adding to. */
  bursts: Partial<Record<Reaction, { n: number; at: number; count: number }>>;
}

const key = (kind: Kind, n: number) => `${PREFIX[kind]}${String(n).padStart(9, "0")}`;
const recordingNow = (s: SpaceState | undefined) => s?.recording === true && s.status === "live";

export class RecordingTimeline {
  #meta: Meta | null = null;

  constructor(readonly storage: RoomStorage) {}

  async load(): Promise<void> {
    this.#meta = (await this.storage.get<Meta>("tl:meta")) ?? null;
  }

  /** Whether anything was ever recorded here. */
  get startedAt(): number | undefined {
    return this.#meta?.startedAt;
  }

  /** A commit: stage changes, recording on or off, and the comments, reactions and pins it sends. */
  observe(prev: SpaceState | undefined, next: SpaceState, out: Delivery[], now: number): void {
    const was = recordingNow(prev);
    const is = recordingNow(next);
    if (!was && !is) return;
    const meta = this.#meta ??= {
      startedAt: now,
      open: {},
      n: {
        stage: { first: 0, next: 0 },
        comments: { first: 0, next: 0 },
        reactions: { first: 0, next: 0 },
        pins: { first: 0, next: 0 },
        captions: { first: 0, next: 0 },
      },
      bursts: {},
    };
    const writes: Record<string, unknown> = {};
    // Most commands (a mute, a raised hand) change nothing kept here: those store nothing.
    let seated = was !== is;
    const seats = new Map(is ? next.stage.map((m) => [m.sub, m]) : []);
    for (const [sub, open] of Object.entries(meta.open)) {
      const seat = seats.get(sub);
      if (seat && seat.role === open.role) continue;
      this.#add(
        writes,
        "stage",
        { person: open.person, role: open.role, from: open.from, to: now } satisfies StageEntry,
      );
      delete meta.open[sub];
    }
    for (const [sub, seat] of seats) {
      if (!meta.open[sub]) {
        meta.open[sub] = { role: seat.role, from: now, person: person(seat) };
        seated = true;
      }
    }
    if (is && !was && next.pinned) this.#add(writes, "pins", { at: now, pin: next.pinned } satisfies PinEntry);
    if (is) {
      for (const d of out) if (d.to === "all") this.#event(writes, d.event, now);
    }
    if (seated || Object.keys(writes).length > 0) this.#save(writes);
  }

  /** Listeners' reactions, summed by their audience shard. */
  reactionBurst(s: SpaceState | undefined, emoji: Reaction, count: number, now: number): void {
    if (!recordingNow(s) || !this.#meta) return;
    const writes: Record<string, unknown> = {};
    this.#react(writes, emoji, count, now);
    this.#save(writes);
  }

  /** A final caption line of someone on stage: the recorded Space's transcript. */
  caption(s: SpaceState | undefined, speaker: Person, text: string, from: number, to: number): void {
    if (!recordingNow(s) || !this.#meta) return;
    // A room that recorded before captions were kept has no counter for them yet.
    this.#meta.n.captions ??= { first: 0, next: 0 };
    const writes: Record<string, unknown> = {};
    this.#add(writes, "captions", { person: speaker, text, from, to } satisfies CaptionEntry);
    this.#save(writes);
  }

  #event(writes: Record<string, unknown>, e: SpaceEvent, now: number): void {
    switch (e.type) {
      case "comment": {
        const { id, text, at } = e.comment;
        this.#add(writes, "comments", { person: person(e.comment), id, text, at } satisfies CommentEntry);
        return;
      }
      case "reaction":
        return this.#react(writes, e.emoji, 1, now);
      case "pinned":
      case "unpinned":
        this.#add(writes, "pins", { at: now, pin: e.type === "pinned" ? e.pin : null } satisfies PinEntry);
        return;
    }
  }

  #react(writes: Record<string, unknown>, emoji: Reaction, count: number, now: number): void {
    const meta = this.#meta!;
    const burst = meta.bursts[emoji];
    if (burst && now - burst.at < BURST_MS && burst.n >= meta.n.reactions.first) {
      burst.count += count;
      writes[key("reactions", burst.n)] = { emoji, count: burst.count, at: burst.at } satisfies ReactionEntry;
      return;
    }
    const n = this.#add(writes, "reactions", { emoji, count, at: now } satisfies ReactionEntry);
    meta.bursts[emoji] = { n, at: now, count };
  }

  /** Appends one entry; past the kind's limit the oldest goes. */
  #add(writes: Record<string, unknown>, kind: Kind, entry: unknown): number {
    const n = this.#meta!.n[kind];
    const at = n.next++;
    writes[key(kind, at)] = entry;
    while (n.next - n.first > TIMELINE_LIMITS[kind]) {
      const old = key(kind, n.first++);
      if (old in writes) delete writes[old];
      else void this.storage.delete(old).catch(() => {});
    }
    return at;
  }

  #save(writes: Record<string, unknown>): void {
    writes["tl:meta"] = this.#meta;
    // Not awaited, like the state: Durable Object writes apply in order.
    this.storage.put(writes).catch((err) => console.error(`space room: timeline not stored: ${err}`));
  }

  /** Everything kept, for the web when the Space ends; null when it was never recorded. */
  async read(): Promise<RoomTimeline | null> {
    const meta = this.#meta;
    if (!meta) return null;
    const list = async <T>(kind: Kind) => [...(await this.storage.list<T>({ prefix: PREFIX[kind] })).values()];
    const [stage, comments, reactions, pins, captions] = await Promise.all([
      list<StageEntry>("stage"),
      list<CommentEntry>("comments"),
      list<ReactionEntry>("reactions"),
      list<PinEntry>("pins"),
      list<CaptionEntry>("captions"),
    ]);
    const people = new Map<string, Person>();
    for (const e of [...stage, ...comments, ...captions, ...Object.values(meta.open)]) {
      people.set(e.person.sub, e.person);
    }
    return {
      startedAt: meta.startedAt,
      people: [...people.values()],
      stage: [
        ...stage.map((e) => ({ sub: e.person.sub, role: e.role, from: e.from, to: e.to })),
        ...Object.entries(meta.open).map(([sub, o]) => ({ sub, role: o.role, from: o.from })),
      ],
      comments: comments.map((c) => ({ id: c.id, sub: c.person.sub, text: c.text, at: c.at })),
      reactions,
      pins,
      captions: captions.map((c) => ({ sub: c.person.sub, text: c.text, from: c.from, to: c.to })),
    };
  }
}
