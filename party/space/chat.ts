// The audience side of the reducer: reactions, comments, the pin and reports.
// Anonymous listeners never reach the comment/pin/report cases: apply() refuses them first.
import { SPACE_LIMITS, type SpaceCommand } from "../../lib/protocol/space.ts";
import {
  type Actor,
  type ActorKind,
  type ApplyContext,
  isModerator,
  person,
  refuse,
  type SpaceState,
  type StepResult,
} from "./state.ts";

export function chat(
  s: SpaceState,
  c: SpaceCommand,
  actor: Actor,
  kind: ActorKind,
  ctx: ApplyContext,
): StepResult {
  switch (c.type) {
    case "react":
      // Reactions are not stored: they are a burst, and a newcomer has no use for old ones.
      return {
        state: s,
        out: [{ to: "all", event: { type: "reaction", sub: actor.sub, emoji: c.emoji } }],
      };
    case "comment": {
      const comment = { ...person(actor), id: ctx.newId(), text: c.text, at: ctx.now };
      const comments = [...s.comments.slice(-(SPACE_LIMITS.recentComments - 1)), comment];
      return {
        state: { ...s, comments },
        out: [{ to: "all", event: { type: "comment", comment } }],
      };
    }
    case "pin": {
      if (!isModerator(kind)) return refuse("forbidden", "Only the host or a co-host can pin.");
      let pin;
      if (c.commentId !== undefined) {
        const comment = s.comments.find((x) => x.id === c.commentId);
        if (!comment) return refuse("not_found", "That comment is no longer available to pin.");
        pin = { kind: "comment" as const, comment, by: actor.sub };
      } else {
        pin = { kind: "url" as const, url: c.url!, by: actor.sub };
      }
      return { state: { ...s, pinned: pin }, out: [{ to: "all", event: { type: "pinned", pin } }] };
    }
    case "unpin":
      if (!isModerator(kind)) return refuse("forbidden", "Only the host or a co-host can unpin.");
      if (!s.pinned) return refuse("not_found", "Nothing is pinned.");
      return {
        state: { ...s, pinned: null },
        out: [{ to: "all", event: { type: "unpinned", by: actor.sub } }],
      };
    case "report": {
      const report = {
        id: ctx.newId(),
        spaceId: s.id,
        by: person(actor),
        target: c.target,
        reason: c.reason,
        at: ctx.now,
      };
      return {
        state: s,
        out: [{
          to: "sub",
          sub: actor.sub,
          event: { type: "reported", reportId: report.id, ...(c.ref && { ref: c.ref }) },
        }],
        report,
      };
    }
    case "mediaState":
      // The room (or the shard) keeps it on the sender's connection; it never changes the Space.
      return refuse("bad_message", "Audio state goes to the room, not the Space's state.");
    default:
      // stageCommand handles every other type; reaching here means a new command type was added
      // to the protocol without a rule, which must fail loudly in tests rather than pass silently.
      return assertUnreachable(c as never);
  }
}

function assertUnreachable(c: never): never {
  throw new Error(`no rule for command ${(c as { type: string }).type}`);
}
