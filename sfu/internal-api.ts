// The SFU <-> SFU API (lib/protocol/sfu_edge.ts), signed with the server secret like the control
// API, and only from SFUs of the configured list. A request that is unsigned, forged, stale,
// malformed or not for this SFU (a pipe asked of an SFU that is not the Space's origin, an event
// for a pipe it does not have) is refused with a clear error and changes nothing.
import type { IncomingMessage, ServerResponse } from "node:http";
import { PipeEvent, PipeLinkRequest, PipeOpenRequest, RelayedClose, RelayedGrant } from "../lib/protocol/sfu_edge.ts";
import { verifyRequest } from "../lib/protocol/token.ts";
import { applyGrant, closeRoom, headerValue, parseJson, parseWith } from "./control.ts";
import type { EdgeUpstream } from "./edge.ts";
import { ForbiddenError, NotFoundError, SfuError } from "./errors.ts";
import type { GrantTable } from "./grants.ts";
import { BodyError, readBody, replyJson } from "./http-json.ts";
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
    const body = await readBody(req, MAX_INTERNAL_BYTES);
    const headers = { get: (name: string) => headerValue(req, name) };
    if (!(await verifyRequest(deps.config.serverSecret, body, headers))) {
      throw new SfuError("unauthorized", "request is not signed with the server secret, or is stale");
    }
    if (deps.config.peers.length === 0) throw new ForbiddenError("this media server has no SFU list (SPAZIO_SFU_PEERS): it has no edges and is no edge");
    const json = parseJson(body);
    const path = new URL(req.url ?? "/", "http://sfu").pathname;
    replyJson(res, 200, await route(path, json, deps));
  } catch (err) {
    if (err instanceof BodyError) {
      if (err.reason === "too_big") replyJson(res, 413, { ok: false, code: "too_big", message: `the body is over ${MAX_INTERNAL_BYTES} bytes` });
      return;
    }
    const e = err instanceof SfuError ? err : new SfuError("internal", "internal request failed");
    if (!(err instanceof SfuError)) console.error("sfu: internal request failed:", err);
    replyJson(res, e.status, { ok: false, code: e.code, message: e.message });
  }
}

async function route(path: string, json: unknown, deps: InternalDeps): Promise<unknown> {
  switch (path) {
    case "/internal/pipe/open":
      return deps.links.open(parseWith(PipeOpenRequest, json));
    case "/internal/pipe/renew":
      deps.links.renew(parseWith(PipeLinkRequest, json));
      return { ok: true };
    case "/internal/pipe/close":
      deps.links.close(parseWith(PipeLinkRequest, json));
      return { ok: true };
    case "/internal/pipe/event": {
      const ev = parseWith(PipeEvent, json);
      const upstream = deps.upstreamOf(ev.room);
      if (!upstream || !(await upstream.handleEvent(ev))) throw new NotFoundError("pipe", ev.link);
      return { ok: true };
    }
    case "/internal/grant": {
      const { from, grant } = parseWith(RelayedGrant, json);
      knownPeer(deps, from);
      const applied = await applyGrant(deps, grant);
      deps.relay.grant(grant, from);
      return { ok: true, applied };
    }
    case "/internal/close": {
      const { from, room } = parseWith(RelayedClose, json);
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
