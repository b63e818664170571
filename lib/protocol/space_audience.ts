// Audience shards: the rooms listeners of a big Space connect to (party/audience/room.ts), and the
// signed requests between a shard and its Space room (party/space/room.ts) in both directions.
// A shard's room id is `<spaceId>.<n>`; the web names the shard in the listener's token.
// Imports nothing runtime-specific, so Deno, workerd and Node all load it.
import { z } from "zod";
import { IceConfig } from "./ice.ts";
import { Person, Reaction, SpaceEvent, Sub } from "./space.ts";

/** Most shards one Space may have: 100 x 10,000 listeners. */
export const MAX_SHARDS = 100;
/** Listeners per shard unless SPAZIO_AUDIENCE_SHARD_SIZE says otherwise. */
export const DEFAULT_SHARD_SIZE = 10_000;
/** A shard sends its count and its listeners' summed reactions to the room at most this often. */
export const SHARD_REPORT_EVERY_MS = 250;

const SHARD_ROOM = /^([A-Za-z0-9_-]{1,60})\.(\d{1,2})$/;

/** The room id of shard `n` of a Space. */
export const audienceRoomId = (spaceId: string, n: number) => `${spaceId}.${n}`;

/** The Space and shard number a shard room id names, or null when it names none. */
export function parseAudienceRoom(room: string): { spaceId: string; shard: number } | null {
  const m = SHARD_ROOM.exec(room);
  if (!m) return null;
  const shard = Number(m[2]);
  return shard < MAX_SHARDS ? { spaceId: m[1], shard } : null;
}

const ShardNumber = z.number().int().min(0).max(MAX_SHARDS - 1);

/** Shard -> Space room, signed POST `/parties/space/<spaceId>`. */
export const ShardToRoom = z.discriminatedUnion("type", [
  /** A shard's first word: the room answers a ShardWelcome and sends it every delta after. */
  z.object({ type: z.literal("shardHello"), shard: ShardNumber }),
  /** A listener's command, from the identity their token proved to the shard. */
  z.object({ type: z.literal("shardCommand"), shard: ShardNumber, actor: Person, command: z.unknown() }),
  /** The shard's listeners now (count and some faces) and their reactions since the last report, summed. */
  z.object({
    type: z.literal("shardReport"),
    shard: ShardNumber,
    count: z.number().int().nonnegative(),
    listeners: z.array(Person).max(24),
    reactions: z.record(Reaction, z.number().int().positive()).default({}),
    /** How many of its listeners say their audio is reconnecting (mediaState). */
    reconnecting: z.number().int().nonnegative().default(0),
  }),
]);
export type ShardToRoom = z.infer<typeof ShardToRoom>;

/** One delta for a shard to pass on: to all its listeners, or to one person's connections. */
export const ShardDelivery = z.object({
  /** Increases with every delta the room sends; a shard drops one it has already passed on. */
  seq: z.number(),
  to: z.union([z.literal("all"), Sub]),
  event: SpaceEvent,
});
export type ShardDelivery = z.infer<typeof ShardDelivery>;

/** Space room -> shard, signed POST `/parties/audience/<spaceId>.<n>`: deltas in order. */
export const RoomToShard = z.object({
  type: z.literal("deliver"),
  deliveries: z.array(ShardDelivery).max(5_000),
});
export type RoomToShard = z.infer<typeof RoomToShard>;

/** The room's answer to shardHello: the Space as a listener sees it, and who may not come in. */
export const ShardWelcome = z.object({
  ok: z.literal(true),
  /** A `sync` for an anonymous listener; the shard puts each listener's own `you` in. */
  sync: SpaceEvent,
  /** The seq of the last delta the sync includes. */
  seq: z.number(),
  /** Removed and blocked people: the shard refuses their connections too. */
  removed: z.array(Sub),
});
export type ShardWelcome = z.infer<typeof ShardWelcome>;

/** What the room's getGrant answer adds for the web's join: where this person's connection goes. */
export const JoinPlan = z.object({
  /** Host, on stage, hand raised, invited or named ahead: they connect to the Space room itself. */
  part: z.boolean().optional(),
  /** Otherwise the shard to connect to (absent: shards are off, the Space room takes everyone). */
  shard: ShardNumber.optional(),
});
export type JoinPlan = z.infer<typeof JoinPlan>;

/**
 * The web's answer to `POST /api/spaces/<id>/join` (and the tokens a Space page is rendered
 * with): where the person's room connection goes, and their SFU.
 */
export const JoinTokens = z.object({
  /** A token for `party`/`room`: the Space room's (aud `space`) or a shard's (aud `audience`). */
  token: z.string().min(1).max(4096),
  sub: Sub,
  partyUrl: z.string().url(),
  /** The party to connect to: the Space room itself, or one of its audience shards. */
  party: z.enum(["space", "audience"]),
  /** The room of that party: the Space's id, or `<spaceId>.<n>` for shard n. */
  room: z.string().min(1).max(80),
  sfuUrl: z.string().url(),
  sfuToken: z.string().min(1).max(4096),
  /** The TURN relays for the SFU's media, with credentials minted for this person (none configured: empty). */
  ice: IceConfig.optional(),
});
export type JoinTokens = z.infer<typeof JoinTokens>;
