// The call room's state machine as pure functions: every permission and transition lives here,
// tested by tables; party/call/room.ts does the I/O around it.
import type { CallErrorCode, CallPerson, CallRole, CallStateCommand, CallView } from "../../lib/protocol/call.ts";

/** A side is "gone" after this long without a connection: the caller before an answer... */
export const CALLER_GONE_MS = 15_000;
/** ...and either side of an answered call (a reload or a network change comes back well within it). */
export const DROP_MS = 30_000;

export interface CallState extends CallView {
  /** The connection that answered: after an accept, only it speaks for the callee. */
  answeredBy: string | null;
  /** Since when each side has had no connection that counts (null: present). */
  lost: Record<CallRole, number | null>;
}

export type Result = { ok: true; state: CallState } | {
  ok: false;
  code: CallErrorCode;
  message: string;
};

export function createCall(
  init: {
    callId: string;
    caller: CallPerson;
    callee: CallPerson;
    video: boolean;
    ringMs: number;
    busy: boolean;
  },
  now: number,
): CallState {
  return {
    callId: init.callId,
    caller: init.caller,
    callee: init.callee,
    video: init.video,
    status: init.busy ? "busy" : "ringing",
    createdAt: now,
    ringUntil: now + init.ringMs,
    acceptedAt: null,
    endedAt: init.busy ? now : null,
    endedBy: init.busy ? "callee" : null,
    answeredBy: null,
    // The caller has not connected yet: they have CALLER_GONE_MS to do so.
    lost: { caller: now, callee: null },
  };
}

export function roleOf(s: CallState, sub: string): CallRole | null {
  return sub === s.caller.sub ? "caller" : sub === s.callee.sub ? "callee" : null;
}

const refuse = (code: CallErrorCode, message: string): Result => ({ ok: false, code, message });
const end = (
  s: CallState,
  status: CallState["status"],
  by: CallState["endedBy"],
  now: number,
): CallState => ({
  ...s,
  status,
  endedAt: now,
  endedBy: by,
});

/** Applies a person's command; `connId` is the connection it came on. */
export function apply(
  s: CallState,
  cmd: CallStateCommand,
  role: CallRole,
  connId: string,
  now: number,
): Result {
  const only = (who: CallRole, what: string) =>
    refuse(
      "not_allowed",
      `Only the person ${who === "callee" ? "called" : "calling"} can ${what} this call.`,
    );
  const notRinging = () => refuse("wrong_state", `This call is ${s.status}, not ringing.`);
  switch (cmd.type) {
    case "accept":
      if (role !== "callee") return only("callee", "accept");
      if (s.status !== "ringing") return notRinging();
      return {
        ok: true,
        state: {
          ...s,
          status: "accepted",
          acceptedAt: now,
          answeredBy: connId,
          lost: { ...s.lost, callee: null },
        },
      };
    case "decline":
      if (role !== "callee") return only("callee", "decline");
      if (s.status !== "ringing") return notRinging();
      return { ok: true, state: end(s, "declined", "callee", now) };
    case "busy":
      if (role !== "callee") return only("callee", "answer busy to");
      if (s.status !== "ringing") return notRinging();
      return { ok: true, state: end(s, "busy", "callee", now) };
    case "cancel":
      if (role !== "caller") return only("caller", "cancel");
      if (s.status !== "ringing") return notRinging();
      return { ok: true, state: end(s, "cancelled", "caller", now) };
    case "hangup":
      if (s.status !== "accepted") {
        return refuse(
          "wrong_state",
          `This call is ${s.status}: only an answered call can be hung up.`,
        );
      }
      // After an accept only the answering connection speaks for the callee: a second tab that
      // never answered cannot end the call under the person who is talking.
      if (role === "callee" && connId !== s.answeredBy) {
        return refuse("not_allowed", "This call was answered on another device.");
      }
      return { ok: true, state: end(s, "ended", role, now) };
    default: {
      const never: never = cmd;
      return refuse("bad_message", `Unknown command ${(never as { type: string }).type}.`);
    }
  }
}

/**
 * The web ends a call (a person's account went, a server-side hang-up): a call still ringing is
 * cancelled, an answered one ended; anything else is left as it is.
 */
export function endByServer(s: CallState, now: number): CallState {
  if (s.status === "ringing") return end(s, "cancelled", "server", now);
  if (s.status === "accepted") return end(s, "ended", "server", now);
  return s;
}

/** Whether a connection counts as its side being present. */
export function counts(s: CallState, role: CallRole, connId: string): boolean {
  return role === "caller" || s.status !== "accepted" || s.answeredBy === connId;
}

/** Records that a side is present now (true) or has just lost its last counting connection. */
export function presence(s: CallState, role: CallRole, present: boolean, now: number): CallState {
  const cur = s.lost[role];
  if (present === (cur === null)) return s;
  return { ...s, lost: { ...s.lost, [role]: present ? null : now } };
}

/** Applies the clock: no answer in time, a caller who never came or left, a side gone from a call. */
export function expire(s: CallState, now: number): CallState {
  if (s.status === "ringing") {
    if (s.lost.caller !== null && now - s.lost.caller >= CALLER_GONE_MS) {
      return end(s, "cancelled", "caller", now);
    }
    if (now >= s.ringUntil) return end(s, "missed", "timeout", now);
  }
  if (s.status === "accepted") {
    for (const role of ["caller", "callee"] as const) {
      const since = s.lost[role];
      if (since !== null && now - since >= DROP_MS) return end(s, "ended", "timeout", now);
    }
  }
  return s;
}

/** When `expire` may next change something; null when nothing is pending. */
export function nextDeadline(s: CallState): number | null {
  const times: number[] = [];
  if (s.status === "ringing") {
    times.push(s.ringUntil);
    if (s.lost.caller !== null) times.push(s.lost.caller + CALLER_GONE_MS);
  } else if (s.status === "accepted") {
    for (const since of Object.values(s.lost)) if (since !== null) times.push(since + DROP_MS);
  }
  return times.length ? Math.min(...times) : null;
}

/** The public view (what both people see). */
export function view(s: CallState): CallView {
  const { answeredBy: _a, lost: _l, ...v } = s;
  return v;
}
