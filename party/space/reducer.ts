// The Space room's rules: apply(state, command, actor, ctx) -> Applied | Refused.
// Every permission lives here, so the room enforces it whatever a client shows or hides, and one
// table test covers every role against every command. A refused command changes nothing.
import type { SpaceCommand } from "../../lib/protocol/space.ts";
import { endSpace, speakerSeatFree, startSpace } from "./lifecycle.ts";
import {
  type Actor,
  type ActorKind,
  all,
  type Applied,
  type ApplyContext,
  type ApplyResult,
  diffGrants,
  handOf,
  isAnonymous,
  isBanned,
  isModerator,
  kindOf,
  MODS_ONLY,
  person,
  refuse,
  seatOf,
  spaceInfo,
  type SpaceState,
  type Step,
  type StepResult,
} from "./state.ts";
import { moderate, setSeat, toAudience } from "./moderation.ts";

/** Applies a command: what the rules decide, committed (with the grants that changed). */
export function apply(
  s: SpaceState,
  c: SpaceCommand,
  actor: Actor,
  ctx: ApplyContext,
): ApplyResult {
  const step = decide(s, c, actor, ctx);
  return "state" in step ? commit(s, step) : step;
}

/**
 * What the rules make of a command, before its grants: the room commits the step (room.commit
 * runs `commit` below with the state it holds), so no caller derives or patches grants itself.
 */
export function decide(
  s: SpaceState,
  c: SpaceCommand,
  actor: Actor,
  ctx: ApplyContext,
): StepResult {
  const kind = kindOf(s, actor.sub);
  if (kind === "removed") return refuse("removed", "You were removed from this Space.");
  if (s.status === "ended") return refuse("ended", "This Space has ended.");
  if (kind === "anonymous" && c.type !== "react") {
    return refuse(
      "sign_in_required",
      "Sign in to comment, ask to speak or report; without an account you can listen and react.",
    );
  }
  if (s.status === "scheduled" && c.type !== "start" && c.type !== "end" && c.type !== "report") {
    return refuse("not_live", "This Space has not started yet.");
  }
  return stageCommand(s, c, actor, kind, ctx);
}

/**
 * Makes a step a transition: the one place grants come from. Everyone whose media rights differ
 * between `before` and the step's state gets a grant, numbered on from `seq`. Every transition
 * goes through here: commands, the web's lifecycle requests, seating a pre-named speaker. With no
 * `before` (a Space being created), the Space as created with nobody seated is the state before.
 */
export function commit(before: SpaceState | undefined, step: Step): Applied {
  const { state, grants } = diffGrants(before ?? { ...step.state, stage: [] }, step.state);
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

const STAGE_FULL = "The stage is full: 10 speakers besides the host and co-hosts.";

/** Hands, invitations, one's own microphone and seat, and lifecycle; then moderation and chat. */
function stageCommand(
  s: SpaceState,
  c: SpaceCommand,
  actor: Actor,
  kind: ActorKind,
  ctx: ApplyContext,
): StepResult {
  const me = actor.sub;
  const onStage = kind === "host" || kind === "cohost" || kind === "speaker";
  switch (c.type) {
    case "requestToSpeak":
      if (onStage) return refuse("conflict", "You are already on stage.");
      if (handOf(s, me)) return refuse("conflict", "Your hand is already raised.");
      {
        const hand = { ...person(actor), at: ctx.now };
        return {
          state: { ...s, hands: [...s.hands, hand] },
          out: [all({ type: "handRaised", hand })],
        };
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
      if (isAnonymous(c.sub)) {
        return refuse("sign_in_required", "Only signed-in listeners can be invited to speak.");
      }
      if (isBanned(s, c.sub) || kindOf(s, c.sub) === "removed") {
        return refuse("not_found", "That person cannot join this Space.");
      }
      if (seatOf(s, c.sub)) return refuse("conflict", "That person is already on stage.");
      if (s.invited.includes(c.sub)) return refuse("conflict", "That person is already invited.");
      if (!speakerSeatFree(s)) return refuse("stage_full", STAGE_FULL);
      return {
        state: { ...s, invited: [...s.invited, c.sub] },
        out: [all({ type: "invited", sub: c.sub, by: me })],
      };
    case "acceptInvite":
      if (!s.invited.includes(me)) return refuse("not_found", "You have no invitation to speak.");
      if (!speakerSeatFree(s)) return refuse("stage_full", STAGE_FULL);
      {
        const seated = seatSpeaker(s, actor, me);
        return {
          ...seated,
          out: [all({ type: "inviteAnswered", sub: me, accepted: true }), ...seated.out],
        };
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
      return {
        state: setSeat(s, me, { muted: true }),
        out: [all({ type: "muted", sub: me, by: me })],
      };
    case "unmuteSelf":
      if (!onStage) {
        return refuse("forbidden", "Only people on stage can unmute; ask to speak first.");
      }
      if (!seatOf(s, me)!.muted) return refuse("conflict", "You are not muted.");
      return { state: setSeat(s, me, { muted: false }), out: [all({ type: "unmuted", sub: me })] };
    case "leaveStage":
      if (kind === "host") {
        return refuse("forbidden", "The host stays on stage; end the Space instead.");
      }
      if (!onStage) return refuse("forbidden", "You are not on stage.");
      return toAudience(s, actor, me);
    case "setVideo": {
      if (!isModerator(kind)) return refuse("forbidden", "Only the host and co-hosts can allow video.");
      if ((s.videoAllowed === true) === c.allowed) {
        return refuse("conflict", c.allowed ? "Video is already allowed." : "Video is already off.");
      }
      const state = { ...s, videoAllowed: c.allowed };
      return { state, out: [all({ type: "spaceUpdated", space: spaceInfo(state) })] };
    }
    case "setRecording": {
      if (kind !== "host") return refuse("forbidden", "Only the host can start or stop the recording.");
      if ((s.recording === true) === c.on) {
        return refuse("conflict", c.on ? "The Space is already being recorded." : "The Space is not being recorded.");
      }
      const state = { ...s, recording: c.on };
      return { state, out: [all({ type: "spaceUpdated", space: spaceInfo(state) })] };
    }
    case "setCaptions": {
      if (kind !== "host") return refuse("forbidden", "Only the host can turn captions on or off.");
      if ((s.captionsOff !== true) === c.on) {
        return refuse("conflict", c.on ? "Captions are already on." : "Captions are already off.");
      }
      const state = { ...s, captionsOff: !c.on };
      return { state, out: [all({ type: "spaceUpdated", space: spaceInfo(state) })] };
    }
    case "start":
      if (kind !== "host") return refuse("forbidden", "Only the host can start the Space.");
      if (s.status !== "scheduled") return refuse("conflict", "The Space is already live.");
      return startSpace(s, ctx);
    case "end":
      if (kind !== "host") return refuse("forbidden", "Only the host can end the Space.");
      return endSpace(s, ctx.now);
    default:
      return moderate(s, c, actor, kind, ctx);
  }
}
