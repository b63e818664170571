// The Space room's rules: apply(state, command, actor, ctx) -> Applied | Refused.
// Every permission lives here, so the room enforces it whatever a client shows or hides, and one
// table test covers every role against every command. A refused command changes nothing.
import type { SpaceCommand } from "../../lib/protocol/space.ts";
import { endSpace, speakerSeatFree, stageCounts, startSpace } from "./lifecycle.ts";
import {
  type ActorKind,
  type Actor,
  type ApplyContext,
  type ApplyResult,
  type Delivery,
  diffGrants,
  handOf,
  isAnonymous,
  isBanned,
  isModerator,
  kindOf,
  person,
  refuse,
  type Refused,
  seatOf,
  type SpaceState,
} from "./state.ts";
import { chat } from "./chat.ts";

/** What one command handler returns before grants are derived. */
export type Step = { state: SpaceState; out: Delivery[]; report?: import("../../lib/protocol/space_http.ts").SpaceReport };
export type StepResult = Step | Refused;

const MODS_ONLY = "Only the host or a co-host can do that.";
const all = (event: Delivery["event"]): Delivery => ({ to: "all", event });

export function apply(s: SpaceState, c: SpaceCommand, actor: Actor, ctx: ApplyContext): ApplyResult {
  const kind = kindOf(s, actor.sub);
  if (kind === "removed") return refuse("removed", "You were removed from this Space.");
  if (s.status === "ended") return refuse("ended", "This Space has ended.");
  if (kind === "anonymous" && c.type !== "react") {
    return refuse("sign_in_required", "Sign in to comment, ask to speak or report; without an account you can listen and react.");
  }
  if (s.status === "scheduled" && c.type !== "start" && c.type !== "end" && c.type !== "report") {
    return refuse("not_live", "This Space has not started yet.");
  }
  const step = stageCommand(s, c, actor, kind, ctx) ?? chat(s, c, actor, kind, ctx);
  if (!("state" in step)) return step;
  const { state, grants } = diffGrants(s, step.state);
  return { ok: true, state, out: step.out, grants, ...(step.report && { report: step.report }) };
}

/** Seats a person as a speaker, muted: a new speaker never arrives live. */
function seatSpeaker(s: SpaceState, who: Actor, by: string): Step {
  const seat = { ...person(who), role: "speaker" as const, muted: true };
  const hadHand = !!handOf(s, who.sub);
  return {
    state: {
      ...s,
      stage: [...s.stage, seat],
      hands: s.hands.filter((h) => h.sub !== who.sub),
      invited: s.invited.filter((x) => x !== who.sub),
      planned: s.planned.filter((p) => p.sub !== who.sub),
    },
    out: [
      ...(hadHand ? [all({ type: "handLowered", sub: who.sub, reason: "accepted" })] : []),
      all({ type: "roleChanged", person: person(who), role: "speaker", muted: true, by }),
    ],
  };
}

const setSeat = (s: SpaceState, sub: string, change: Partial<{ muted: boolean; role: "cohost" | "speaker" }>) => ({
  ...s,
  stage: s.stage.map((m) => (m.sub === sub ? { ...m, ...change } : m)),
});

const STAGE_FULL = "The stage is full: 10 speakers besides the host and co-hosts.";

/** Stage, hands, invitations, mutes, roles, removal and lifecycle; undefined for chat commands. */
function stageCommand(s: SpaceState, c: SpaceCommand, actor: Actor, kind: ActorKind, ctx: ApplyContext): StepResult | undefined {
  const me = actor.sub;
  const onStage = kind === "host" || kind === "cohost" || kind === "speaker";
  switch (c.type) {
    case "requestToSpeak":
      if (onStage) return refuse("conflict", "You are already on stage.");
      if (handOf(s, me)) return refuse("conflict", "Your hand is already raised.");
      {
        const hand = { ...person(actor), at: ctx.now };
        return { state: { ...s, hands: [...s.hands, hand] }, out: [all({ type: "handRaised", hand })] };
      }
    case "cancelRequest":
      if (!handOf(s, me)) return refuse("not_found", "Your hand is not raised.");
      return {
        state: { ...s, hands: s.hands.filter((h) => h.sub !== me) },
        out: [all({ type: "handLowered", sub: me, reason: "cancelled" })],
      };
    case "acceptRequest": {
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      const hand = handOf(s, c.sub);
      if (!hand) return refuse("not_found", "That person has not asked to speak.");
      if (!speakerSeatFree(s)) return refuse("stage_full", STAGE_FULL);
      return seatSpeaker(s, hand, me);
    }
    case "dismissRequest":
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      if (!handOf(s, c.sub)) return refuse("not_found", "That person has not asked to speak.");
      return {
        state: { ...s, hands: s.hands.filter((h) => h.sub !== c.sub) },
        out: [all({ type: "handLowered", sub: c.sub, reason: "dismissed" })],
      };
    case "inviteToSpeak":
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      if (isAnonymous(c.sub)) return refuse("sign_in_required", "Only signed-in listeners can be invited to speak.");
      if (isBanned(s, c.sub) || kindOf(s, c.sub) === "removed") return refuse("not_found", "That person cannot join this Space.");
      if (seatOf(s, c.sub)) return refuse("conflict", "That person is already on stage.");
      if (s.invited.includes(c.sub)) return refuse("conflict", "That person is already invited.");
      if (!speakerSeatFree(s)) return refuse("stage_full", STAGE_FULL);
      return { state: { ...s, invited: [...s.invited, c.sub] }, out: [all({ type: "invited", sub: c.sub, by: me })] };
    case "acceptInvite":
      if (!s.invited.includes(me)) return refuse("not_found", "You have no invitation to speak.");
      if (!speakerSeatFree(s)) return refuse("stage_full", STAGE_FULL);
      {
        const seated = seatSpeaker(s, actor, me);
        return { ...seated, out: [all({ type: "inviteAnswered", sub: me, accepted: true }), ...seated.out] };
      }
    case "declineInvite":
      if (!s.invited.includes(me)) return refuse("not_found", "You have no invitation to speak.");
      return {
        state: { ...s, invited: s.invited.filter((x) => x !== me) },
        out: [all({ type: "inviteAnswered", sub: me, accepted: false })],
      };
    case "muteSelf":
      if (!onStage) return refuse("forbidden", "Only people on stage have a microphone to mute.");
      if (seatOf(s, me)!.muted) return refuse("conflict", "You are already muted.");
      return { state: setSeat(s, me, { muted: true }), out: [all({ type: "muted", sub: me, by: me })] };
    case "unmuteSelf":
      if (!onStage) return refuse("forbidden", "Only people on stage can unmute; ask to speak first.");
      if (!seatOf(s, me)!.muted) return refuse("conflict", "You are not muted.");
      return { state: setSeat(s, me, { muted: false }), out: [all({ type: "unmuted", sub: me })] };
    case "mute": {
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      const seat = seatOf(s, c.sub);
      if (!seat) return refuse("not_found", "That person is not on stage.");
      if (seat.role === "host" && kind !== "host") return refuse("forbidden", "A co-host cannot mute the host.");
      if (seat.muted) return refuse("conflict", "That person is already muted.");
      return { state: setSeat(s, c.sub, { muted: true }), out: [all({ type: "muted", sub: c.sub, by: me })] };
    }
    case "muteAll": {
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      const targets = s.stage.filter((m) => !m.muted && m.sub !== me && !(m.role === "host" && kind !== "host"));
      const subs = new Set(targets.map((m) => m.sub));
      return {
        state: { ...s, stage: s.stage.map((m) => (subs.has(m.sub) ? { ...m, muted: true } : m)) },
        out: targets.map((m) => all({ type: "muted", sub: m.sub, by: me })),
      };
    }
    case "leaveStage":
      if (kind === "host") return refuse("forbidden", "The host stays on stage; end the Space instead.");
      if (!onStage) return refuse("forbidden", "You are not on stage.");
      return toAudience(s, actor, me);
    case "moveToAudience": {
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      const seat = seatOf(s, c.sub);
      if (!seat) return refuse("not_found", "That person is not on stage.");
      if (seat.role === "host") return refuse("forbidden", "The host cannot be moved to the audience.");
      if (seat.role === "cohost" && kind !== "host") return refuse("forbidden", "Only the host can move a co-host to the audience.");
      return toAudience(s, seat, me);
    }
    case "addCohost": {
      if (kind !== "host") return refuse("forbidden", "Only the host can add co-hosts.");
      const seat = seatOf(s, c.sub);
      if (!seat) return refuse("not_found", "Invite them to speak first: only people on stage can become co-hosts.");
      if (seat.role !== "speaker") return refuse("conflict", "That person is already a host or co-host.");
      if (stageCounts(s).cohosts >= 2) return refuse("cohosts_full", "A Space has at most 2 co-hosts.");
      return {
        state: setSeat(s, c.sub, { role: "cohost" }),
        out: [all({ type: "roleChanged", person: person(seat), role: "cohost", muted: seat.muted, by: me })],
      };
    }
    case "removeCohost": {
      if (kind !== "host") return refuse("forbidden", "Only the host can remove co-hosts.");
      const seat = seatOf(s, c.sub);
      if (seat?.role !== "cohost") return refuse("not_found", "That person is not a co-host.");
      return {
        state: setSeat(s, c.sub, { role: "speaker" }),
        out: [all({ type: "roleChanged", person: person(seat), role: "speaker", muted: seat.muted, by: me })],
      };
    }
    case "remove":
      return removePerson(s, c.sub, me, kind, ctx.now);
    case "start":
      if (kind !== "host") return refuse("forbidden", "Only the host can start the Space.");
      if (s.status !== "scheduled") return refuse("conflict", "The Space is already live.");
      return startSpace(s, ctx);
    case "end":
      if (kind !== "host") return refuse("forbidden", "Only the host can end the Space.");
      return endSpace(s, ctx.now);
    default:
      return undefined;
  }
}

function toAudience(s: SpaceState, who: Actor, by: string): Step {
  return {
    state: { ...s, stage: s.stage.filter((m) => m.sub !== who.sub) },
    out: [all({ type: "roleChanged", person: person(who), role: "listener", muted: true, by })],
  };
}

/** A ban by person: their seat, hand and invitation go, and every later token for them is refused. */
function removePerson(s: SpaceState, sub: string, by: string, kind: ActorKind, now: number): StepResult {
  if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
  if (sub === by) return refuse("forbidden", "You cannot remove yourself; leave instead.");
  const target = kindOf(s, sub);
  if (target === "host") return refuse("forbidden", "The host cannot be removed.");
  if (target === "cohost" && kind !== "host") return refuse("forbidden", "Only the host can remove a co-host.");
  if (isBanned(s, sub)) return refuse("conflict", "That person was already removed.");
  // Everyone hears it, so that clients drop the person from the stage, the hands and the invitations.
  const out: Delivery[] = [
    { to: "sub", sub, event: { type: "removed", message: "A host removed you from this Space." } },
    all({ type: "participantLeft", sub, reason: "removed" }),
  ];
  return {
    state: {
      ...s,
      banned: { ...s.banned, [sub]: { at: now, by } },
      stage: s.stage.filter((m) => m.sub !== sub),
      hands: s.hands.filter((h) => h.sub !== sub),
      invited: s.invited.filter((x) => x !== sub),
      planned: s.planned.filter((p) => p.sub !== sub),
    },
    out,
  };
}
