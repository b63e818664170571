// The Space room's HTTP API, for the web server and the SFU (see lib/protocol/space_http.ts).
// Every request, GET (the snapshot, reports, the timeline) or POST, is signed with the server secret.
import type { AnswerInputOf } from "../../lib/protocol/contract.ts";
import {
  spaceGetGrant,
  spaceReports,
  spaceRoomChange,
  spaceRoomInbound,
  spaceSnapshot,
  spaceTimeline,
} from "../../lib/protocol/internal_api.ts";
import { readSigned } from "../../lib/protocol/signed_reader.ts";
import { fail, json, refused } from "../shared/http.ts";
import type { SpaceRoomHandle } from "./handle.ts";
import { createSpace, endSpace, startSpace, updateBlocks, updateSpace } from "./lifecycle.ts";
import { listReports } from "./store.ts";
import { handleShardRequest } from "./shard_requests.ts";
import { captionsWanted, handleCaptionRequest } from "./captions.ts";
import { grantFor, hasPart, kindOf, publicSnapshot } from "./state.ts";

/** Largest body the room reads: an init with 2,000 blocked people fits comfortably. */
export const MAX_BODY_BYTES = 256 * 1024;

export async function handleSpaceRequest(room: SpaceRoomHandle, req: Request): Promise<Response> {
  if (req.method === "GET") {
    // Every GET is signed (the snapshot, the reports for moderators, the recording's timeline):
    // the same signature over the empty body, checked again here after the worker's gate.
    const read = await readSigned(spaceSnapshot, req, { secret: room.config.serverSecret, maxBytes: 0 });
    if (!read.ok) return refused(read.refusal);
    if (!room.state) return fail(404, "not_found", "No such Space.");
    const query = new URL(req.url).searchParams;
    if (query.has("reports")) {
      return json({ ok: true, reports: await listReports(room.storage) } satisfies AnswerInputOf<typeof spaceReports>);
    }
    // The recording's timeline, for the web when the Space ends.
    if (query.has("timeline")) {
      const timeline = await room.timeline.read();
      if (!timeline) return fail(404, "not_recorded", "This Space was never recorded.");
      return json(timeline satisfies AnswerInputOf<typeof spaceTimeline>);
    }
    return json(publicSnapshot(room.state, room.listenerCount()) satisfies AnswerInputOf<typeof spaceSnapshot>);
  }
  if (req.method !== "POST") return fail(405, "method_not_allowed", "Use GET or POST.");
  const read = await readSigned(spaceRoomInbound, req, { secret: room.config.serverSecret, maxBytes: MAX_BODY_BYTES });
  if (!read.ok) return refused(read.refusal);
  const r = read.data;
  const now = Date.now();
  const snapshot = () =>
    json(
      { ok: true, snapshot: publicSnapshot(room.state!, room.listenerCount()) } satisfies AnswerInputOf<
        typeof spaceRoomChange
      >,
    );

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
      const grant = grantFor(s, r.sub);
      const answer: AnswerInputOf<typeof spaceGetGrant> = {
        ...grant,
        part,
        recording,
        // Likewise the caption language: a restarted SFU captions the Space again.
        captions: captionsWanted(s),
        ...(shard !== undefined && { shard }),
        // Once ended nobody is admitted; the web still must tell a removed person from the rest.
        ...(grant.ended && kindOf(s, r.sub) === "removed" && { removed: true }),
      };
      return json(answer);
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
    case "caption":
    case "captionsStatus":
      return handleCaptionRequest(room, s, r);
    case "updateBlocks": {
      room.commit(updateBlocks(s, r.blockedSubs));
      for (const sub of room.state!.blocked) room.putOut(sub, "You can't join this Space.");
      return snapshot();
    }
  }
}
