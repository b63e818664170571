// The SFU <-> SFU API (lib/protocol/sfu_edge.ts), signed with the server secret like the control
// API, and only from SFUs of the configured list. A request that is unsigned, forged, stale,
// malformed or not for this SFU (a pipe asked of an SFU that is not the Space's origin, an event
// for a pipe it does not have) is refused with a clear error and changes nothing.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnswerInputOf } from "../lib/protocol/contract.ts";
import { pipeClose, pipeEvent, pipeOpen, pipeRenew, relayClose, relayGrant } from "../lib/protocol/internal_api.ts";
import { applyGrant, closeRoom } from "./control.ts";
import type { EdgeUpstream } from "./edge.ts";
import { ForbiddenError, NotFoundError, SfuError } from "./errors.ts";
import type { GrantTable } from "./grants.ts";
import { BodyError, replyJson } from "./http-json.ts";
import { parseBody, readSignedBody } from "./signed_request.ts";
import type { OriginLinks } from "./origin-links.ts";
import type { SpaceRelay } from "./relay.ts";
import type { SpaceRecordings } from "./recording.ts";
import type { SfuRoom } from "./room.ts";
import type { SfuConfig } from "./config.ts";

export type InternalDeps = {
  config: SfuConfig;
  grants: GrantTable;
  links: OriginLinks;
  relay: SpaceRelay;
  existingRoom(name: string): SfuRoom | undefined;
  upstreamOf(room: string): EdgeUpstream | undefined;
  recordings?: SpaceRecordings;
};

/** A pipe open answer carries every producer's parameters and the held grants. */
const MAX_INTERNAL_BYTES = 256 * 1024;

export async function handleInternal(req: IncomingMessage, res: ServerResponse, deps: InternalDeps): Promise<void> {
  try {
    if (req.method !== "POST") throw new SfuError("bad_request", "internal requests are POST");
    const body = await readSignedBody(req, deps.config.serverSecret, MAX_INTERNAL_BYTES);
    if (deps.config.peers.length === 0) {
      throw new ForbiddenError("this media server has no SFU list (SPAZIO_SFU_PEERS): it has no edges and is no edge");
    }
    const path = new URL(req.url ?? "/", "http://sfu").pathname;
    replyJson(res, 200, await route(path, body, deps));
  } catch (err) {
    if (err instanceof BodyError) {
      if (err.reason === "too_big") {
        replyJson(res, 413, { ok: false, code: "too_big", message: `the body is over ${MAX_INTERNAL_BYTES} bytes` });
      }
      return;
    }
    const e = err instanceof SfuError ? err : new SfuError("internal", "internal request failed");
    if (!(err instanceof SfuError)) console.error("sfu: internal request failed:", err);
    replyJson(res, e.status, { ok: false, code: e.code, message: e.message });
  }
}

type Ack = AnswerInputOf<typeof pipeRenew>;

async function route(
  path: string,
  body: string,
  deps: InternalDeps,
): Promise<AnswerInputOf<typeof pipeOpen> | AnswerInputOf<typeof relayGrant> | Ack> {
  switch (path) {
    case pipeOpen.path():
      return deps.links.open(parseBody(pipeOpen, body));
    case pipeRenew.path():
      deps.links.renew(parseBody(pipeRenew, body));
      return { ok: true };
    case pipeClose.path():
      deps.links.close(parseBody(pipeClose, body));
      return { ok: true };
    case pipeEvent.path(): {
      const ev = parseBody(pipeEvent, body);
      const upstream = deps.upstreamOf(ev.room);
      if (!upstream || !(await upstream.handleEvent(ev))) throw new NotFoundError("pipe", ev.link);
      return { ok: true };
    }
    case relayGrant.path(): {
      const { from, grant } = parseBody(relayGrant, body);
      knownPeer(deps, from);
      const applied = await applyGrant(deps, grant);
      deps.relay.grant(grant, from);
      return { ok: true, applied };
    }
    case relayClose.path(): {
      const { from, room } = parseBody(relayClose, body);
      knownPeer(deps, from);
      // Relayed first: closing the room here drops the links that say which edges to tell.
      deps.relay.close(room, from);
      closeRoom(deps, room);
      return { ok: true };
    }
    default:
      throw new SfuError("not_found", `no internal endpoint ${path}`);
  }
}

function knownPeer(deps: InternalDeps, from: string): void {
  if (from === deps.config.sfuId || !deps.config.peers.some((p) => p.id === from)) {
    throw new ForbiddenError(`"${from}" is not another media server of this deployment`);
  }
}
