// The web's end of a call goes through the state machine like every other transition.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type CallState, createCall, endByServer } from "./reducer.ts";

const ringing = (): CallState =>
  createCall({
    callId: "call-0001",
    caller: { sub: "u:ann00001", handle: "ann", name: "Ann" },
    callee: { sub: "u:bob00001", handle: "bob", name: "Bob" },
    video: false,
    ringMs: 30_000,
    busy: false,
  }, 1_000);

Deno.test("endByServer: ringing is cancelled, answered is ended, a final call is left alone", () => {
  const s = ringing();
  const accepted: CallState = { ...s, status: "accepted", acceptedAt: 2_000, answeredBy: "c1" };
  const declined: CallState = { ...s, status: "declined", endedAt: 2_000, endedBy: "callee" };
  const table: [CallState, Pick<CallState, "status" | "endedAt" | "endedBy">][] = [
    [s, { status: "cancelled", endedAt: 5_000, endedBy: "server" }],
    [accepted, { status: "ended", endedAt: 5_000, endedBy: "server" }],
    [declined, { status: "declined", endedAt: 2_000, endedBy: "callee" }],
  ];
  for (const [before, want] of table) {
    const after = endByServer(before, 5_000);
    assertEquals({ status: after.status, endedAt: after.endedAt, endedBy: after.endedBy }, want);
  }
  assertEquals(endByServer(declined, 5_000) === declined, true, "no change, no commit");
});
