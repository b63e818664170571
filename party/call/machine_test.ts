// The call room's state machine: every command by every side in every status, then the clock
// (missed after 30 s, a caller who never comes, a side gone from an answered call).
import assert from "node:assert/strict";
import { type CallStateCommand, type CallStatus, CallStatus as Statuses, RING_MS } from "../../lib/protocol/call.ts";
import {
  apply,
  CALLER_GONE_MS,
  type CallState,
  createCall,
  DROP_MS,
  expire,
  nextDeadline,
  presence,
} from "./reducer.ts";

const caller = { sub: "u:caller01", handle: "ann", name: "Ann" };
const callee = { sub: "u:callee01", handle: "bob", name: "Bob" };
const T0 = 1_000_000;

function callIn(status: CallStatus): CallState {
  const s = createCall({
    callId: "call000001",
    caller,
    callee,
    video: false,
    ringMs: RING_MS,
    busy: false,
  }, T0);
  const present = presence(s, "caller", true, T0);
  if (status === "ringing") return present;
  return {
    ...present,
    status,
    acceptedAt: status === "accepted" || status === "ended" ? T0 + 1_000 : null,
    answeredBy: "tab-1",
    endedAt: status === "accepted" ? null : T0 + 5_000,
  };
}

type Who = "caller" | "callee (answering tab)" | "callee (other tab)";
const WHO: Who[] = ["caller", "callee (answering tab)", "callee (other tab)"];
const COMMANDS: CallStateCommand["type"][] = ["accept", "decline", "busy", "cancel", "hangup"];
const NEXT: Partial<Record<CallStateCommand["type"], CallStatus>> = {
  accept: "accepted",
  decline: "declined",
  busy: "busy",
  cancel: "cancelled",
  hangup: "ended",
};

/** What must happen, read from the issue: the callee answers, the caller cancels, either hangs up. */
function want(
  cmd: CallStateCommand["type"],
  who: Who,
  status: CallStatus,
): CallStatus | "not_allowed" | "wrong_state" {
  const isCallee = who !== "caller";
  if (cmd === "hangup") {
    if (status !== "accepted") return "wrong_state";
    return who === "callee (other tab)" ? "not_allowed" : "ended";
  }
  const mine = cmd === "cancel" ? !isCallee : isCallee;
  if (!mine) return "not_allowed";
  return status === "ringing" ? NEXT[cmd]! : "wrong_state";
}

for (const status of Statuses.options) {
  for (const cmd of COMMANDS) {
    for (const who of WHO) {
      const expected = want(cmd, who, status);
      Deno.test(`call table: ${who} sends ${cmd} while ${status} -> ${expected}`, () => {
        const s = callIn(status);
        const role = who === "caller" ? "caller" : "callee";
        const conn = who === "callee (other tab)" ? "tab-2" : "tab-1";
        const r = apply(s, { type: cmd }, role, conn, T0 + 10_000);
        if (expected === "not_allowed" || expected === "wrong_state") {
          assert.equal(r.ok, false);
          if (!r.ok) {
            assert.equal(r.code, expected);
            assert.ok(r.message.length > 10);
          }
        } else {
          assert.equal(r.ok, true);
          if (r.ok) {
            assert.equal(r.state.status, expected);
            if (expected === "accepted") assert.equal(r.state.answeredBy, conn);
            if (expected !== "accepted") assert.equal(r.state.endedAt, T0 + 10_000);
          }
        }
      });
    }
  }
}

Deno.test("clock: 30 s without an answer is a missed call, not a second earlier", () => {
  const s = callIn("ringing");
  assert.equal(nextDeadline(s), T0 + RING_MS);
  assert.equal(expire(s, T0 + RING_MS - 1).status, "ringing");
  const missed = expire(s, T0 + RING_MS);
  assert.equal(missed.status, "missed");
  assert.equal(missed.endedBy, "timeout");
  assert.equal(nextDeadline(missed), null);
});

Deno.test("clock: a caller who never connects, or leaves while ringing, cancels after 15 s", () => {
  const fresh = createCall({
    callId: "call000001",
    caller,
    callee,
    video: true,
    ringMs: RING_MS,
    busy: false,
  }, T0);
  assert.equal(nextDeadline(fresh), T0 + CALLER_GONE_MS);
  assert.equal(expire(fresh, T0 + CALLER_GONE_MS).status, "cancelled");
  const left = presence(callIn("ringing"), "caller", false, T0 + 2_000);
  assert.equal(expire(left, T0 + 2_000 + CALLER_GONE_MS - 1).status, "ringing");
  assert.equal(expire(left, T0 + 2_000 + CALLER_GONE_MS).status, "cancelled");
  // Coming back in time keeps the call ringing.
  assert.equal(
    expire(presence(left, "caller", true, T0 + 3_000), T0 + 2_000 + CALLER_GONE_MS).status,
    "ringing",
  );
});

Deno.test("clock: a side gone from an answered call for 30 s ends it, a reload does not", () => {
  const s = callIn("accepted");
  assert.equal(nextDeadline(s), null);
  const gone = presence(s, "callee", false, T0 + 10_000);
  assert.equal(expire(gone, T0 + 10_000 + DROP_MS - 1).status, "accepted");
  const ended = expire(gone, T0 + 10_000 + DROP_MS);
  assert.equal(ended.status, "ended");
  assert.equal(ended.endedBy, "timeout");
  assert.equal(
    expire(presence(gone, "callee", true, T0 + 12_000), T0 + 10_000 + DROP_MS).status,
    "accepted",
  );
});

Deno.test("a busy init is final at once", () => {
  const s = createCall({
    callId: "call000001",
    caller,
    callee,
    video: false,
    ringMs: RING_MS,
    busy: true,
  }, T0);
  assert.equal(s.status, "busy");
  assert.equal(nextDeadline(s), null);
  assert.equal(apply(s, { type: "accept" }, "callee", "tab-1", T0 + 1).ok, false);
});
