// What the Space room does with its audience shards' signed requests (lib/protocol/space_audience.ts):
// a hello registers the shard and answers the Space as a listener sees it; a listener's command is
// applied by the same reducer, as that listener (the shard verified their token); a report is the
// shard's listener count and its listeners' reactions, summed, broadcast as bursts.
import { REACTIONS, SpaceCommand, type SpaceEvent } from "../../lib/protocol/space.ts";
import type { ShardToRoom, ShardWelcome } from "../../lib/protocol/space_audience.ts";
import { fail, json } from "../shared/http.ts";
import type { SpaceRoomHandle } from "./handle.ts";
import { decide } from "./reducer.ts";
import { person, type SpaceState, syncFor } from "./state.ts";

/** Who the welcome's sync is for: nobody in particular (each shard puts its listener's `you` in). */
const NOBODY = { sub: "a:shard-view" };

export function handleShardRequest(room: SpaceRoomHandle, s: SpaceState, r: ShardToRoom): Response {
  if (!room.shards.enabled) {
    return fail(404, "no_shards", "This Space has no audience shards: listeners join the Space room.");
  }
  switch (r.type) {
    case "shardHello": {
      room.shards.register(r.shard);
      const welcome: ShardWelcome = {
        ok: true,
        sync: syncFor(s, NOBODY, room.listenerCount(), room.isPresent, room.listenerSample()),
        seq: room.shards.seq,
        removed: [...Object.keys(s.banned), ...s.blocked],
      };
      return json(welcome);
    }
    case "shardCommand": {
      const parsed = SpaceCommand.safeParse(r.command);
      if (!parsed.success) return json({ ok: false, code: "bad_message", message: "Not a valid command." });
      const cmd = parsed.data;
      // One listener's reactions (and audio state) travel summed in reports, never one request each.
      if (cmd.type === "react" || cmd.type === "mediaState") {
        return json({ ok: false, code: "bad_message", message: "Reactions and audio states go in reports." });
      }
      const result = decide(s, cmd, person(r.actor), {
        now: Date.now(),
        newId: () => crypto.randomUUID(),
        isPresent: room.isPresent,
      });
      if (!("state" in result)) return json({ ok: false, code: result.code, message: result.message });
      room.commit(result);
      return json({ ok: true });
    }
    case "shardReport": {
      if (!room.shards.report(r.shard, { count: r.count, listeners: r.listeners, reconnecting: r.reconnecting })) {
        return fail(409, "unknown_shard", "This shard has not said hello to its Space.");
      }
      room.shardCountChanged();
      // As the reducer does for one listener's reaction: only a live Space shows them.
      if (s.status === "live") {
        for (const emoji of REACTIONS) {
          const count = r.reactions[emoji];
          if (count) room.broadcast({ type: "reactionBurst", emoji, count } satisfies SpaceEvent);
        }
      }
      return json({ ok: true });
    }
  }
}
