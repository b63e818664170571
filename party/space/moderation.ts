// Moderation rules of the reducer: what hosts and co-hosts may do to others on stage and in the
// audience (mute, move, promote, remove). Chat commands fall through to chat.ts.
import type { SpaceCommand } from "../../lib/protocol/space.ts";
import { chat } from "./chat.ts";
import { stageCounts } from "./lifecycle.ts";
import {
  type Actor,
  type ActorKind,
  all,
  type ApplyContext,
  type Delivery,
  isBanned,
  isModerator,
  kindOf,
  MODS_ONLY,
  person,
  refuse,
  seatOf,
  type SpaceState,
  type Step,
  type StepResult,
} from "./state.ts";

export const setSeat = (
  s: SpaceState,
  sub: string,
  change: Partial<{ muted: boolean; role: "cohost" | "speaker" }>,
) => ({
  ...s,
  stage: s.stage.map((m) => (m.sub === sub ? { ...m, ...change } : m)),
});

export function moderate(
  s: SpaceState,
  c: SpaceCommand,
  actor: Actor,
  kind: ActorKind,
  ctx: ApplyContext,
): StepResult {
  const me = actor.sub;
  switch (c.type) {
    case "mute": {
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      const seat = seatOf(s, c.sub);
      if (!seat) return refuse("not_found", "That person is not on stage.");
      if (seat.role === "host" && kind !== "host") {
        return refuse("forbidden", "A co-host cannot mute the host.");
      }
      if (seat.muted) return refuse("conflict", "That person is already muted.");
      return {
        state: setSeat(s, c.sub, { muted: true }),
        out: [all({ type: "muted", sub: c.sub, by: me })],
      };
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
    case "moveToAudience": {
      if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
      const seat = seatOf(s, c.sub);
      if (!seat) return refuse("not_found", "That person is not on stage.");
      if (seat.role === "host") {
        return refuse("forbidden", "The host cannot be moved to the audience.");
      }
      if (seat.role === "cohost" && kind !== "host") {
        return refuse("forbidden", "Only the host can move a co-host to the audience.");
      }
      return toAudience(s, seat, me);
    }
    case "addCohost": {
      if (kind !== "host") return refuse("forbidden", "Only the host can add co-hosts.");
      const seat = seatOf(s, c.sub);
      if (!seat) {
        return refuse(
          "not_found",
          "Invite them to speak first: only people on stage can become co-hosts.",
        );
      }
      if (seat.role !== "speaker") {
        return refuse("conflict", "That person is already a host or co-host.");
      }
      if (stageCounts(s).cohosts >= 2) {
        return refuse("cohosts_full", "A Space has at most 2 co-hosts.");
      }
      return {
        state: setSeat(s, c.sub, { role: "cohost" }),
        out: [
          all({
            type: "roleChanged",
            person: person(seat),
            role: "cohost",
            muted: seat.muted,
            by: me,
          }),
        ],
      };
    }
    case "removeCohost": {
      if (kind !== "host") return refuse("forbidden", "Only the host can remove co-hosts.");
      const seat = seatOf(s, c.sub);
      if (seat?.role !== "cohost") return refuse("not_found", "That person is not a co-host.");
      return {
        state: setSeat(s, c.sub, { role: "speaker" }),
        out: [
          all({
            type: "roleChanged",
            person: person(seat),
            role: "speaker",
            muted: seat.muted,
            by: me,
          }),
        ],
      };
    }
    case "remove":
      return removePerson(s, c.sub, me, kind, ctx.now);
    default:
      return chat(s, c, actor, kind, ctx);
  }
}

export function toAudience(s: SpaceState, who: Actor, by: string): Step {
  return {
    state: { ...s, stage: s.stage.filter((m) => m.sub !== who.sub) },
    out: [all({ type: "roleChanged", person: person(who), role: "listener", muted: true, by })],
  };
}

/** A ban by person: seat, hand and invitation go, and every later token for them is refused. */
function removePerson(
  s: SpaceState,
  sub: string,
  by: string,
  kind: ActorKind,
  now: number,
): StepResult {
  if (!isModerator(kind)) return refuse("forbidden", MODS_ONLY);
  if (sub === by) return refuse("forbidden", "You cannot remove yourself; leave instead.");
  const target = kindOf(s, sub);
  if (target === "host") return refuse("forbidden", "The host cannot be removed.");
  if (target === "cohost" && kind !== "host") {
    return refuse("forbidden", "Only the host can remove a co-host.");
  }
  if (isBanned(s, sub)) return refuse("conflict", "That person was already removed.");
  // Everyone hears it, so clients drop the person from the stage, the hands and the invitations.
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
