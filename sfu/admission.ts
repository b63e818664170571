// Who may open a media socket to a room, asked before the upgrade is accepted and before any room
// or peer object exists. A Space room (`s_<spaceId>`) admits whom its Space room has not removed
// or blocked, as held in the grant table when current and asked of the room otherwise; a call
// room (`c_<callId>`) admits only the caller and the callee of a ringing or accepted call, asked of
// the call room every time: while it rings they connect ahead, and what the caller sends is held
// on the SFU until the answer (SfuRoom asks again). Both fail closed: no answer, nobody let in.
import type { CallView } from "../lib/protocol/call.ts";
import { callRoom } from "../lib/protocol/internal_api.ts";
import { parseSfuRoom } from "../lib/protocol/sfu.ts";
import { ForbiddenError } from "./errors.ts";
import type { GrantTable, PartyGrantSource } from "./grants.ts";
import { askPartyRoom } from "./party_request.ts";

export type AdmissionDeps = { grants: GrantTable; spaces: PartyGrantSource; calls: PartyCallSource };

export class Admission {
  #deps: AdmissionDeps;
  // Two sockets of one person (tabs, a quick reconnect) share one question to the room.
  #pulling = new Map<string, Promise<void>>();

  constructor(deps: AdmissionDeps) {
    this.#deps = deps;
  }

  /** Resolves when `sub` may join `room`; throws `forbidden` (403) or `unavailable` (503). */
  async admit(room: string, sub: string): Promise<void> {
    const named = parseSfuRoom(room);
    if (!named) throw new ForbiddenError("that is not a media room");
    if (named.kind === "call") return this.#admitToCall(named.id, sub);
    const { grants } = this.#deps;
    if (!grants.current(room, sub)) await this.#pull(room, named.id, sub);
    // Read after the pull: a push that arrived meanwhile with a higher seq wins over its answer.
    if (grants.get(room, sub)?.admitted !== true) {
      throw new ForbiddenError("you were removed from this Space, or it has ended");
    }
  }

  /** Whether a socket that was admitted may still be taken in (a removal may have come meanwhile). */
  stillAdmitted(room: string, sub: string): boolean {
    return parseSfuRoom(room)?.kind === "call" || this.#deps.grants.get(room, sub)?.admitted === true;
  }

  #pull(room: string, spaceId: string, sub: string): Promise<void> {
    const key = `${room}\n${sub}`;
    let pending = this.#pulling.get(key);
    if (!pending) {
      pending = this.#deps.spaces.fetch(spaceId, sub).then((grant) => {
        this.#deps.grants.apply(room, sub, grant);
      });
      const forget = () => this.#pulling.delete(key);
      pending.then(forget, forget);
      this.#pulling.set(key, pending);
    }
    return pending;
  }

  async #admitToCall(callId: string, sub: string): Promise<void> {
    const call = await this.#callOf(callId, sub);
    if (call.status !== "accepted" && call.status !== "ringing") {
      throw new ForbiddenError(`this call is over (${call.status})`);
    }
  }

  /**
   * Where the call is now, asked of its room: ringing or accepted, and whether `sub` is its caller;
   * throws `forbidden` for a call that is over or between two other people.
   */
  async callState(callId: string, sub: string): Promise<{ answered: boolean; caller: boolean }> {
    const call = await this.#callOf(callId, sub);
    if (call.status !== "accepted" && call.status !== "ringing") {
      throw new ForbiddenError(`this call is over (${call.status})`);
    }
    return { answered: call.status === "accepted", caller: call.caller.sub === sub };
  }

  async #callOf(callId: string, sub: string): Promise<CallView> {
    const call = await this.#deps.calls.fetch(callId);
    if (call.caller.sub !== sub && call.callee.sub !== sub) {
      throw new ForbiddenError("this call is between two other people");
    }
    return call;
  }
}

/** Asks a call's party room for its state, signed with the server secret as the web does. */
export class PartyCallSource {
  constructor(readonly partyUrl: string, readonly serverSecret: string, readonly timeoutMs = 2000) {}

  async fetch(callId: string): Promise<CallView> {
    const answer = await askPartyRoom(this, callRoom, { callId }, { type: "state" }, "the call room");
    return answer.call;
  }
}
