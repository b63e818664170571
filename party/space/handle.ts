// What the Space room's HTTP handlers (http.ts, shard_requests.ts) may read and do, and nothing
// more: the room (room.ts) implements it, so the handlers never import the room class.
import type { Person, SpaceEvent } from "../../lib/protocol/space.ts";
import type { PartyConfig } from "../shared/config.ts";
import type { AudienceShards } from "./shards.ts";
import type { Committable, SpaceState } from "./state.ts";
import type { RoomStorage } from "./store.ts";
import type { RecordingTimeline } from "./timeline.ts";

export interface SpaceRoomHandle {
  readonly config: PartyConfig;
  /** The Space's id: the request's room. */
  readonly id: string;
  readonly state: SpaceState | undefined;
  readonly storage: RoomStorage;
  readonly shards: AudienceShards;
  readonly timeline: RecordingTimeline;
  readonly isPresent: (sub: string) => boolean;
  listenerCount(): number;
  listenerSample(): Person[];
  /**
   * Makes a step (from the reducer's `decide` or lifecycle.ts) the state: derives its grants
   * (reducer.ts#commit), stores it, delivers events, and tells the SFU and the web.
   */
  commit(step: Committable): void;
  /** To everyone in the room and on its shards. */
  broadcast(event: SpaceEvent): void;
  /** The shards' listener count changed: tell people (at most so often). */
  shardCountChanged(): void;
  /** Closes a person's connections with a removal, wherever they are connected. */
  putOut(sub: string, message: string): void;
}
