// The control API the party rooms call (signed with the server secret): grants and room closing.
// A request that is unsigned, forged, stale, too big or malformed is refused and changes nothing.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnswerInputOf } from "../lib/protocol/contract.ts";
import { MAX_MESSAGE_BYTES } from "../lib/protocol/defaults.ts";
import { sfuCaptions, sfuClose, sfuGrant, sfuRecording } from "../lib/protocol/internal_api.ts";
import type { GrantRequest } from "../lib/protocol/sfu.ts";
import { SfuError } from "./errors.ts";
import type { GrantTable } from "./grants.ts";
import { BodyError, replyJson } from "./http-json.ts";
import type { SpaceRecordings } from "./recording.ts";
import type { SfuRoom } from "./room.ts";
import { parseBody, readSignedBody } from "./signed_request.ts";

export type ControlDeps = {
  serverSecret: string;
  grants: GrantTable;
  existingRoom(name: string): SfuRoom | undefined;
  /** Passes what the room pushed on to the other SFUs serving the Space (relay.ts), when there are any. */
  relay?: { grant(grant: GrantRequest): void; close(room: string): void };
  /** This SFU's recordings; absent where nothing is recorded (calls-only tests). */
  recordings?: SpaceRecordings;
  /**
   * Where the room's recording switch goes when this SFU is not the Space's origin (the room may
   * push to any SFU of the list): the origin records. Absent: this SFU is the origin.
   */
  forwardRecording?(room: string, on: boolean): boolean;
  /** Live captions on this SFU; absent where there are none. */
  captions?: { set(room: string, lang: string | null): Promise<void> };
};

/** Applies a grant and enforces it on the room's peers here; whether it was newer than the one held. */
export async function applyGrant(
  deps: Pick<ControlDeps, "grants" | "existingRoom">,
  grant: GrantRequest,
): Promise<boolean> {
  const applied = deps.grants.apply(grant.room, grant.sub, grant);
  if (applied) await deps.existingRoom(grant.room)?.grantChanged(grant.sub, grant);
  return applied;
}

/** Ends a room's media here and forgets its grants. */
export function closeRoom(
  deps: Pick<ControlDeps, "grants" | "existingRoom" | "recordings" | "captions">,
  room: string,
): void {
  deps.recordings?.forget(room);
  void deps.captions?.set(room, null);
  deps.existingRoom(room)?.close();
  deps.grants.dropRoom(room);
}

type ControlAnswer = AnswerInputOf<typeof sfuGrant> | { ok: false; code: string; message: string };

export async function handleControl(req: IncomingMessage, res: ServerResponse, deps: ControlDeps): Promise<void> {
  const reply = (status: number, body: ControlAnswer) => replyJson(res, status, body);
  try {
    if (req.method !== "POST") throw new SfuError("bad_request", "control requests are POST");
    const body = await readSignedBody(req, deps.serverSecret, MAX_MESSAGE_BYTES);
    const path = new URL(req.url ?? "/", "http://sfu").pathname;
    if (path === sfuGrant.path()) {
      const grant = parseBody(sfuGrant, body);
      const applied = await applyGrant(deps, grant);
      // Passed on even when stale here: another SFU of the Space may not have it yet.
      deps.relay?.grant(grant);
      return reply(200, { ok: true, applied });
    }
    if (path === sfuRecording.path()) {
      const { room, on } = parseBody(sfuRecording, body);
      if (deps.forwardRecording?.(room, on)) return reply(200, { ok: true });
      if (!deps.recordings) throw new SfuError("unavailable", "this media server records nothing");
      deps.recordings.set(room, on);
      return reply(200, { ok: true });
    }
    if (path === sfuCaptions.path()) {
      const { room, lang } = parseBody(sfuCaptions, body);
      // Answered at once: the room hears whether the language can be captioned by a request of
      // the SFU's own (spaceCaption), once the engines' start-up checks are done.
      void deps.captions?.set(room, lang).catch((err) => console.error("sfu: captions switch failed:", err));
      return reply(200, { ok: true });
    }
    if (path === sfuClose.path()) {
      const { room } = parseBody(sfuClose, body);
      // Relayed first: closing the room here drops the links that say which edges to tell.
      deps.relay?.close(room);
      closeRoom(deps, room);
      return reply(200, { ok: true });
    }
    throw new SfuError("not_found", `no control endpoint ${path}`);
  } catch (err) {
    if (err instanceof BodyError) {
      if (err.reason === "too_big") {
        reply(413, { ok: false, code: "too_big", message: `the body is over ${MAX_MESSAGE_BYTES} bytes` });
      }
      return;
    }
    const e = err instanceof SfuError ? err : new SfuError("internal", "control request failed");
    if (!(err instanceof SfuError)) console.error("sfu: control request failed:", err);
    reply(e.status, { ok: false, code: e.code, message: e.message });
  }
}
