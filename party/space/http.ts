// The Space room's HTTP API, for the web server and the SFU (see lib/protocol/space_http.ts).
// GET answers the public snapshot to anyone; every POST must be signed with the server secret.
import { z } from "zod";
import { ShardToRoom } from "../../lib/protocol/space_audience.ts";
import { SpaceRoomRequest } from "../../lib/protocol/space_http.ts";
import { verifyRequest } from "../../lib/protocol/token.ts";
import { fail, json, readSignedRequest } from "../shared/http.ts";
import type { SpaceRoomHandle } from "./handle.ts";
import { createSpace, endSpace, startSpace, updateBlocks, updateSpace } from "./lifecycle.ts";
import { listReports } from "./store.ts";
import { handleShardRequest } from "./shard_requests.ts";
import { grantFor, hasPart, publicSnapshot } from "./state.ts";

/** What the room's POST accepts: the web's and the SFU's requests, and its audience shards'. */
const RoomRequest = z.discriminatedUnion("type", [...SpaceRoomRequest.options, ...ShardToRoom.options]);

/** Largest body the room reads: an init with 2,000 blocked people fits comfortably. */
const MAX_BODY_BYTES = 256 * 1024;

export async function handleSpaceRequest(room: SpaceRoomHandle, req: Request): Promise<Response> {
  if (req.method === "GET") {
    if (!room.state) return fail(404, "not_found", "No such Space.");
    // Reports are for moderators only: the same signature as any POST is required.
    if (new URL(req.url).searchParams.has("reports")) {
      if (!(await verifyRequest(room.config.serverSecret, "", req.headers))) {
        return fail(401, "unsigned", "Listing reports needs a signed request.");
      }
      return json({ ok: true, reports: await listReports(room.storage) });
    }
    // The recording's timeline, for the web when the Space ends: signed like the reports.
    if (new URL(req.url).searchParams.has("timeline")) {
      if (!(await verifyRequest(room.config.serverSecret, "", req.headers))) {
        return fail(401, "unsigned", "Reading the timeline needs a signed request.");
      }
      const timeline = await room.timeline.read();
      if (!timeline) return fail(404, "not_recorded", "This Space was never recorded.");
      return json(timeline);
    }
    return json(publicSnapshot(room.state, room.listenerCount()));
  }
  if (req.method !== "POST") return fail(405, "method_not_allowed", "Use GET or POST.");
  const read = await readSignedRequest(req, room.config.serverSecret, RoomRequest, MAX_BODY_BYTES);
  if ("refused" in read) return read.refused;
  const r = read.data;
  const now = Date.now();
  const snapshot = () =>
    json({ ok: true, snapshot: publicSnapshot(room.state!, room.listenerCount()) });

  if (r.type === "init") {
    if (r.spaceId !== room.id) {
      return fail(400, "bad_request", "spaceId does not match this room.");
    }
    // Idempotent: the web may retry a create; the first one wins and nothing is reset.
    if (!room.state) {
      // The host starts on stage: tell the SFU at once rather than wait for it to ask.
      room.commit({ state: createSpace(r, now), out: [] });
    }
    return snapshot();
  }
  const s = room.state;
  if (!s) return fail(404, "not_found", "No such Space: init it first.");
  switch (r.type) {
    case "shardHello":
    case "shardCommand":
    case "shardReport":
      return handleShardRequest(room, s, r);
    case "getGrant": {
      // The web's join reads where the connection goes too (JoinPlan): the room or a shard.
      const part = hasPart(s, r.sub);
      const shard = part ? undefined : room.shards.pick();
      // `recording`: an SFU that restarted learns from its first pull that it must record again.
      const recording = s.recording === true && s.status === "live";
      return json({ ...grantFor(s, r.sub), part, recording, ...(shard !== undefined && { shard }) });
    }
    case "start": {
      if (s.status === "ended") return fail(409, "ended", "This Space has ended.");
      if (s.status === "scheduled") {
        room.commit(startSpace(s, {
          now,
          newId: () => crypto.randomUUID(),
          isPresent: room.isPresent,
        }));
      }
      return snapshot();
    }
    case "end": {
      if (s.status !== "ended") {
        room.commit(endSpace(s, now));
      }
      return snapshot();
    }
    case "update": {
      const step = updateSpace(s, r, now);
      if (typeof step === "string") return fail(409, "conflict", step);
      room.commit(step);
      return snapshot();
    }
    case "updateBlocks": {
      room.commit(updateBlocks(s, r.blockedSubs));
      for (const sub of room.state!.blocked) room.putOut(sub, "You can't join this Space.");
      return snapshot();
    }
  }
}
