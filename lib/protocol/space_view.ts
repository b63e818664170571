// What a browser knows about its Space: the last `sync` with every delta since folded in.
// Islands keep one SpaceView and render it; the room's deltas are defined so that folding them
// gives what a fresh `sync` would (party/space/view_test.ts checks it against the room's reducer).
// Pure, and imports nothing runtime-specific.
import { SPACE_LIMITS, type SpaceEvent, type SpaceEventOf, type StageMember } from "./space.ts";

/** A browser's copy of the room: the `sync` payload, kept current by deltas. */
export type SpaceView = Omit<SpaceEventOf<"sync">, "type">;

/** Folds one event into the view; events that change nothing shown (reactions) return it as is. */
export function foldSpaceEvent(view: SpaceView, e: SpaceEvent): SpaceView {
  const me = view.you.sub;
  switch (e.type) {
    case "sync": {
      const { type: _, ...fresh } = e;
      return fresh;
    }
    case "participantJoined":
      return { ...view, stage: upsert(view.stage, { ...e.participant, present: true }) };
    case "participantLeft":
      if (e.reason === "disconnected") {
        return {
          ...view,
          stage: view.stage.map((m) => (m.sub === e.sub ? { ...m, present: false } : m)),
        };
      }
      return {
        ...view,
        stage: view.stage.filter((m) => m.sub !== e.sub),
        hands: view.hands.filter((h) => h.sub !== e.sub),
        invited: view.invited.filter((s) => s !== e.sub),
      };
    case "roleChanged": {
      const was = view.stage.find((m) => m.sub === e.person.sub);
      const stage = e.role === "listener" ? view.stage.filter((m) => m.sub !== e.person.sub) : upsert(view.stage, {
        ...e.person,
        role: e.role,
        muted: e.muted,
        present: was?.present ?? true,
      });
      const seated = e.role !== "listener";
      return {
        ...view,
        stage,
        // Coming on stage answers any hand or invitation.
        hands: seated ? view.hands.filter((h) => h.sub !== e.person.sub) : view.hands,
        invited: seated ? view.invited.filter((s) => s !== e.person.sub) : view.invited,
        you: e.person.sub === me
          ? { ...view.you, role: e.role, ...(seated && { handRaised: false, invited: false }) }
          : view.you,
      };
    }
    case "muted":
    case "unmuted":
      return {
        ...view,
        stage: view.stage.map((m) => (m.sub === e.sub ? { ...m, muted: e.type === "muted" } : m)),
      };
    case "handRaised":
      return {
        ...view,
        hands: [...view.hands.filter((h) => h.sub !== e.hand.sub), e.hand],
        you: e.hand.sub === me ? { ...view.you, handRaised: true } : view.you,
      };
    case "handLowered":
      return {
        ...view,
        hands: view.hands.filter((h) => h.sub !== e.sub),
        you: e.sub === me ? { ...view.you, handRaised: false } : view.you,
      };
    case "invited":
      return {
        ...view,
        invited: view.invited.includes(e.sub) ? view.invited : [...view.invited, e.sub],
        you: e.sub === me ? { ...view.you, invited: true } : view.you,
      };
    case "inviteAnswered":
      return {
        ...view,
        invited: view.invited.filter((s) => s !== e.sub),
        you: e.sub === me ? { ...view.you, invited: false } : view.you,
      };
    case "comment":
      return {
        ...view,
        comments: [...view.comments, e.comment].slice(-SPACE_LIMITS.recentComments),
      };
    case "pinned":
      return { ...view, pinned: e.pin };
    case "unpinned":
      return { ...view, pinned: null };
    case "listenerCount":
      return {
        ...view,
        listenerCount: e.count,
        ...(e.listeners && { listeners: e.listeners }),
        ...(e.reconnecting !== undefined && { reconnecting: e.reconnecting }),
      };
    case "spaceUpdated":
      return { ...view, space: e.space };
    case "started":
      return { ...view, space: { ...view.space, status: "live", startedAt: e.startedAt } };
    case "ended":
      return {
        ...view,
        space: { ...view.space, status: "ended", endedAt: e.endedAt },
        hands: [],
        invited: [],
        you: { ...view.you, handRaised: false, invited: false },
      };
    case "reaction":
    case "reactionBurst":
    // Captions are shown as they come (lib/browser/space/captions.ts), never kept in the view.
    case "caption":
    case "removed":
    case "reported":
    case "error":
      return view;
  }
}

function upsert(stage: StageMember[], m: StageMember): StageMember[] {
  return stage.some((x) => x.sub === m.sub) ? stage.map((x) => (x.sub === m.sub ? m : x)) : [...stage, m];
}
