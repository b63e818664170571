// The web server's side of the Space room's HTTP API (lib/protocol/space_http.ts): signed POSTs
// to create, start, end and update blocks, and the signed GET of the snapshot the Space page renders.
import type { SpacePublicSnapshot, SpaceRoomRequest } from "../../protocol/space_http.ts";
import { spaceGetGrant, type SpaceGrantAnswer, spaceRoomChange, spaceSnapshot } from "../../protocol/internal_api.ts";
import { callSigned, type SignedCallError } from "../../protocol/signed_client.ts";

/** The room could not be reached or refused; the caller shows a clear message and keeps nothing half-made. */
export class RoomUnavailableError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "RoomUnavailableError";
  }
}

export class SpaceRoomLink {
  constructor(private readonly partyUrl: string, private readonly serverSecret: string) {}

  #unavailable(e: SignedCallError, what: string): RoomUnavailableError {
    if (e.code === "unreachable") {
      return new RoomUnavailableError(503, `the Space room could not be reached: ${e.message}`);
    }
    return new RoomUnavailableError(e.status, e.refusal?.message ?? `${what} (${e.status})`);
  }

  async send(spaceId: string, request: SpaceRoomRequest): Promise<SpacePublicSnapshot> {
    const res = await callSigned(spaceRoomChange, {
      secret: this.serverSecret,
      to: this.partyUrl,
      params: { spaceId },
      body: request,
    });
    if (!res.ok) throw this.#unavailable(res.error, "room answered");
    return res.data.snapshot;
  }

  /**
   * What the room (the authority) says of one person now: whether they may be in the Space at all
   * (not removed, banned or blocked, and the Space live), whether they may speak, and where their
   * connection goes (the room itself, or an audience shard).
   */
  async grant(spaceId: string, sub: string): Promise<SpaceGrantAnswer> {
    const res = await callSigned(spaceGetGrant, {
      secret: this.serverSecret,
      to: this.partyUrl,
      params: { spaceId },
      body: { type: "getGrant", sub },
    });
    if (!res.ok) {
      if (res.error.code === "unreachable") throw this.#unavailable(res.error, "");
      throw new RoomUnavailableError(
        res.error.status,
        `the room's answer about a person was not valid (${res.error.status})`,
      );
    }
    return res.data;
  }

  /** The public snapshot (signed GET, spaceSnapshot), or null when the room does not know the Space (or is down). */
  async snapshot(spaceId: string): Promise<SpacePublicSnapshot | null> {
    const res = await callSigned(spaceSnapshot, {
      secret: this.serverSecret,
      to: this.partyUrl,
      params: { spaceId },
      timeoutMs: 3_000,
    });
    return res.ok ? res.data : null;
  }
}
