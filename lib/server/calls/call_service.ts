// Placing calls and following them on the web: THE RULE before anything rings, ringing floods,
// busy lines, tokens for the call room and the SFU (only ever for the two people), and what a
// call leaves behind (history in the thread and on /calls, pushes for missed calls).
import type { Deps } from "../http/env.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { type CallRecord, CallStore } from "../kv/calls.ts";
import { DmStore, entryId } from "../kv/dms.ts";
import type { User } from "../kv/users.ts";
import { callDurationS, type CallPerson, type CallView, isFinal, RING_MS } from "../../protocol/call.ts";
import type { CallOutcome } from "../../protocol/dm.ts";
import { mintRoomToken, randomId } from "../../protocol/token.ts";
import { CALL_ATTEMPTS, takeAttempt } from "./attempts.ts";
import { callRoom } from "./call_room.ts";
import { appendAndDeliver } from "./dm_service.ts";
import { deliver, peerInfo } from "./inbox.ts";
import { mayCall } from "../../shared/call_rule.ts";
import { notifyCall } from "./notify.ts";

const person = (u: User): CallPerson => ({ sub: `u:${u.id}`, handle: u.handle, name: u.displayName });

/** Checks THE RULE for `caller` calling `callee`; throws the refusal in plain words. */
export async function checkRule(deps: Deps, caller: User, callee: User): Promise<void> {
  const { social } = deps;
  const [settings, inContacts, followedByCallee, calleeWrote, calleeBlocksCaller, callerBlocksCallee] = await Promise
    .all([
      new CallStore(deps.kv).settings(callee.id),
      social.isContact(callee.id, caller.id),
      social.follows(callee.id, caller.id),
      new DmStore(deps.kv).hasSent(callee.id, caller.id),
      social.blocks(callee.id, caller.id),
      social.blocks(caller.id, callee.id),
    ]);
  const d = mayCall({
    settings,
    inContacts,
    followedByCallee,
    callerVerified: caller.verified,
    calleeWrote,
    calleeBlocksCaller,
    callerBlocksCallee,
  });
  if (!d.ok) throw new HttpError(403, `call.err.${d.reason}`);
}

/** The call a person is really in now: a stale marker is checked with the room and cleared. */
async function liveCallOf(deps: Deps, userId: string): Promise<string | null> {
  const store = new CallStore(deps.kv);
  const id = await store.activeCallOf(userId);
  const rec = id ? await store.get(id) : null;
  if (!rec || isFinal(rec.status)) return null;
  try {
    const v = await callRoom(deps.config, rec.id, { type: "state" });
    if (!isFinal(v.status)) return rec.id;
    await applyCallView(deps, v);
    return null;
  } catch {
    // The room cannot be asked: trust the marker, which expires on its own.
    return rec.id;
  }
}

/** Places a call. Every attempt counts against the flood limit, refused ones too. */
export async function placeCall(
  deps: Deps,
  caller: User,
  callee: User,
  video: boolean,
  ringMs = deps.config.ringMs ?? RING_MS,
) {
  if (caller.id === callee.id) throw new HttpError(400, "call.err.self");
  if (await takeAttempt(deps.kv, ["call_attempts", caller.id], CALL_ATTEMPTS)) {
    throw new HttpError(429, "call.err.rate_limited");
  }
  await checkRule(deps, caller, callee);
  if (await liveCallOf(deps, caller.id)) throw new HttpError(409, "call.err.in_call");
  const busy = (await liveCallOf(deps, callee.id)) !== null;
  const now = Date.now();
  const rec: CallRecord = {
    id: randomId(12),
    callerId: caller.id,
    calleeId: callee.id,
    video,
    status: "ringing",
    createdAt: now,
    acceptedAt: null,
    endedAt: null,
    durationS: 0,
  };
  const store = new CallStore(deps.kv);
  await store.create(rec);
  let v: CallView;
  try {
    v = await callRoom(deps.config, rec.id, {
      type: "init",
      callId: rec.id,
      caller: person(caller),
      callee: person(callee),
      video,
      ringMs,
      busy,
    });
  } catch (err) {
    console.error(`call ${rec.id}: init failed: ${err}`);
    await store.update(rec.id, { status: "cancelled", acceptedAt: null, endedAt: Date.now(), durationS: 0 });
    throw new HttpError(503, "call.err.unavailable");
  }
  if (v.status === "ringing") {
    const tabs = await deliver(deps.config, callee.id, [{
      type: "incomingCall",
      callId: rec.id,
      from: peerInfo(caller),
      video,
    }]);
    await notifyCall(deps, callee, { kind: "incoming", callId: rec.id, from: caller, video, tabsOpen: tabs });
  } else {
    await applyCallView(deps, v);
  }
  return { callId: rec.id, status: v.status };
}

/**
 * The history of a person's calls, newest first, with any call still marked live checked with its
 * room: the room's report may still be on its way when someone opens the page right after a call.
 */
export async function callHistory(deps: Deps, userId: string): Promise<CallRecord[]> {
  const store = new CallStore(deps.kv);
  const list = await store.history(userId);
  const stale = list.filter((r) => !isFinal(r.status)).slice(0, 3);
  if (stale.length === 0) return list;
  await Promise.all(stale.map(async (r) => {
    const v = await callRoom(deps.config, r.id, { type: "state" }).catch(() => null);
    if (v) await applyCallView(deps, v);
  }));
  return await store.history(userId);
}

/** A call of `user`'s, or 404 (a stranger learns nothing, not even that the call exists). */
export async function callOf(deps: Deps, user: User, callId: string): Promise<CallRecord> {
  const rec = await new CallStore(deps.kv).get(callId);
  if (!rec || (rec.callerId !== user.id && rec.calleeId !== user.id)) throw notFound();
  return rec;
}

/** A token for the call room, for one of the two people. */
export async function joinToken(deps: Deps, user: User, callId: string): Promise<string> {
  await callOf(deps, user, callId);
  return await mintRoomToken(deps.config.roomSecret, {
    aud: "call",
    room: callId,
    sub: `u:${user.id}`,
    handle: user.handle,
    name: user.displayName,
  });
}

/**
 * A token for the call's SFU room `c_<callId>`, only for the two, while the call rings or once it
 * is answered: both pages fetch theirs while it rings, so the answer does not wait for the web.
 * The token alone opens nothing early: the SFU admits a socket to a call room only once the call
 * room says it was answered (sfu/admission.ts), and a call that is over gets no token.
 */
export async function mediaToken(deps: Deps, user: User, callId: string): Promise<string> {
  await callOf(deps, user, callId);
  const v = await callRoom(deps.config, callId, { type: "state" }).catch(() => null);
  if (!v) throw new HttpError(503, "call.err.unavailable");
  if (isFinal(v.status)) throw new HttpError(409, "call.err.not_found");
  return await mintRoomToken(deps.config.roomSecret, {
    aud: "sfu",
    room: `c_${callId}`,
    sub: `u:${user.id}`,
    handle: user.handle,
    name: user.displayName,
  });
}

const OUTCOME: Record<string, CallOutcome> = {
  ended: "answered",
  declined: "declined",
  cancelled: "cancelled",
  missed: "missed",
  busy: "busy",
};

/**
 * Brings the web's record in line with the room's view (a report, or an answer to `state`), once:
 * history in the thread, stopped ringing on every tab, a push for a missed call.
 */
export async function applyCallView(deps: Deps, v: CallView): Promise<void> {
  const store = new CallStore(deps.kv);
  const rec = await store.get(v.callId);
  if (!rec || v.caller.sub !== `u:${rec.callerId}` || v.callee.sub !== `u:${rec.calleeId}`) return;
  const changed = await store.update(rec.id, {
    status: v.status,
    acceptedAt: v.acceptedAt,
    endedAt: v.endedAt,
    durationS: callDurationS(v),
  });
  if (!changed) return;
  const stop = [{ type: "callEnded" as const, callId: rec.id, status: v.status }];
  if (v.status === "accepted") return void await deliver(deps.config, rec.calleeId, stop);
  if (!isFinal(v.status)) return;
  const [caller, callee] = await Promise.all([deps.users.get(rec.callerId), deps.users.get(rec.calleeId)]);
  if (!caller || !callee) return;
  const at = v.endedAt ?? Date.now();
  await Promise.all([deliver(deps.config, rec.calleeId, stop), deliver(deps.config, rec.callerId, stop)]);
  await appendAndDeliver(
    deps,
    {
      kind: "call",
      id: entryId(at),
      from: caller.id,
      to: callee.id,
      at,
      callId: rec.id,
      video: rec.video,
      outcome: OUTCOME[v.status],
      durationS: callDurationS(v),
    },
    caller,
    callee,
  );
  if (v.status !== "ended" && v.status !== "declined") {
    await notifyCall(deps, callee, { kind: "missed", callId: rec.id, from: caller, video: rec.video, tabsOpen: -1 });
  }
}
