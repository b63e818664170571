// Every role against every command of the Space protocol, through the pure reducer.
// A cell is "ok" or the error code the sender sees. Refused commands must leave state untouched.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { SPACE_COMMAND_TYPES, type SpaceCommand, type SpaceErrorCode } from "../lib/protocol/space.ts";
import { apply } from "../party/space/reducer.ts";
import type { SpaceState } from "../party/space/state.ts";
import { context, liveSpace, P, type RoleName, ROLES } from "./support/party_fixture.ts";

type Cell = "ok" | SpaceErrorCode;
type Row = [host: Cell, cohost: Cell, speaker: Cell, listener: Cell, anonymous: Cell, removed: Cell];
const SIR = "sign_in_required";
const RM = "removed";

/** Sets up what a command needs of its sender (a raised hand to cancel, an invitation to accept...). */
type Prepare = (s: SpaceState, me: string) => SpaceState;
const offStage = (s: SpaceState, me: string) => !s.stage.some((m) => m.sub === me);
const raiseMyHand: Prepare = (s, me) => offStage(s, me) ? { ...s, hands: [...s.hands, { sub: me, at: 1 }] } : s;
const inviteMe: Prepare = (s, me) => offStage(s, me) ? { ...s, invited: [...s.invited, me] } : s;
const muteMe: Prepare = (s, me) => ({ ...s, stage: s.stage.map((m) => m.sub === me ? { ...m, muted: true } : m) });

const TABLE: Record<SpaceCommand["type"], { cmd: SpaceCommand; prepare?: Prepare; row: Row }> = {
  requestToSpeak: { cmd: { type: "requestToSpeak" }, row: ["conflict", "conflict", "conflict", "ok", SIR, RM] },
  cancelRequest: { cmd: { type: "cancelRequest" }, prepare: raiseMyHand, row: ["not_found", "not_found", "not_found", "ok", SIR, RM] },
  acceptRequest: { cmd: { type: "acceptRequest", sub: P.handUp.sub }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  dismissRequest: { cmd: { type: "dismissRequest", sub: P.handUp.sub }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  inviteToSpeak: { cmd: { type: "inviteToSpeak", sub: P.guest.sub }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  acceptInvite: { cmd: { type: "acceptInvite" }, prepare: inviteMe, row: ["not_found", "not_found", "not_found", "ok", SIR, RM] },
  declineInvite: { cmd: { type: "declineInvite" }, prepare: inviteMe, row: ["not_found", "not_found", "not_found", "ok", SIR, RM] },
  muteSelf: { cmd: { type: "muteSelf" }, row: ["ok", "ok", "ok", "forbidden", SIR, RM] },
  unmuteSelf: { cmd: { type: "unmuteSelf" }, prepare: muteMe, row: ["ok", "ok", "ok", "forbidden", SIR, RM] },
  mute: { cmd: { type: "mute", sub: P.speaker2.sub }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  muteAll: { cmd: { type: "muteAll" }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  leaveStage: { cmd: { type: "leaveStage" }, row: ["forbidden", "ok", "ok", "forbidden", SIR, RM] },
  moveToAudience: { cmd: { type: "moveToAudience", sub: P.speaker2.sub }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  addCohost: { cmd: { type: "addCohost", sub: P.speaker2.sub }, row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM] },
  removeCohost: { cmd: { type: "removeCohost", sub: P.cohost.sub }, row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM] },
  remove: { cmd: { type: "remove", sub: P.guest.sub }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  react: { cmd: { type: "react", emoji: "💯" }, row: ["ok", "ok", "ok", "ok", "ok", RM] },
  comment: { cmd: { type: "comment", text: "nice" }, row: ["ok", "ok", "ok", "ok", SIR, RM] },
  pin: { cmd: { type: "pin", commentId: "c1" }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  unpin: {
    cmd: { type: "unpin" },
    prepare: (s) => ({ ...s, pinned: { kind: "url", url: "https://example.org/", by: P.host.sub } }),
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  report: { cmd: { type: "report", target: { sub: P.speaker2.sub }, reason: "spam" }, row: ["ok", "ok", "ok", "ok", SIR, RM] },
  start: {
    cmd: { type: "start" },
    prepare: (s) => ({ ...s, status: "scheduled", startedAt: undefined, scheduledFor: 5_000 }),
    row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM],
  },
  end: { cmd: { type: "end" }, row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM] },
};

Deno.test("reducer table: lists every command of the protocol", () => {
  assertEquals(Object.keys(TABLE).sort(), [...SPACE_COMMAND_TYPES].sort());
});

for (const [type, { cmd, prepare, row }] of Object.entries(TABLE)) {
  ROLES.forEach((role: RoleName, i) => {
    const want = row[i];
    Deno.test(`reducer table: ${role} -> ${type}: ${want}`, () => {
      const actor = P[role];
      const before = prepare ? prepare(liveSpace(), actor.sub) : liveSpace();
      const frozen = structuredClone(before);
      const result = apply(before, cmd, actor, context());
      // Whatever the outcome, the state passed in is never modified in place.
      assertEquals(before, frozen);
      if (want === "ok") {
        assert(result.ok, `expected ok, got ${!result.ok && result.code}: ${!result.ok && result.message}`);
        assert(result.out.length > 0, "an accepted command tells somebody");
      } else {
        assert(!result.ok, `expected ${want}, got ok`);
        assertEquals(result.code, want);
        assert(result.message.length > 10, "the error says what was wrong");
      }
    });
  });
}
