// Lifecycle steps of a Space that are not a participant's command: creation from the web,
// start, end, the host's blocks, and seating pre-named speakers as they connect.
// Pure like the reducer; the web's requests and the host's own start/end commands share them.
import type { SpaceRoomRequest } from "../../lib/protocol/space_http.ts";
import { SPACE_LIMITS } from "../../lib/protocol/space.ts";
import {
  type Actor,
  type ApplyContext,
  type Delivery,
  handOf,
  person,
  spaceInfo,
  type SpaceState,
  type StageSeat,
} from "./state.ts";

type Init = Extract<SpaceRoomRequest, { type: "init" }>;
type Update = Extract<SpaceRoomRequest, { type: "update" }>;

/** The first state of a Space: live at once, or scheduled. The host is always on stage, muted. */
export function createSpace(
  input: Omit<Init, "allowVideo" | "record"> & { allowVideo?: boolean; record?: boolean },
  now: number,
): SpaceState {
  const scheduled = input.scheduledFor !== undefined && input.scheduledFor > now;
  const host = person(input.host);
  const planned = plannedSeats(host.sub, input.cohosts, input.speakers);
  return {
    id: input.spaceId,
    title: input.title,
    status: scheduled ? "scheduled" : "live",
    host,
    ...(scheduled ? { scheduledFor: input.scheduledFor } : { startedAt: now }),
    stage: [{ ...host, role: "host", muted: true }],
    planned,
    hands: [],
    invited: [],
    banned: {},
    blocked: [...new Set(input.blockedSubs)],
    pinned: null,
    comments: [],
    seq: 0,
    videoAllowed: input.allowVideo === true,
    recording: input.record === true,
    ...(input.lang !== undefined && { lang: input.lang }),
  };
}

/** One seat per person, co-hosts first, never the host: a name listed twice is seated once. */
function plannedSeats(host: string, cohosts: Init["cohosts"], speakers: Init["speakers"]) {
  const named = new Set([host]);
  return [
    ...cohosts.map((p) => ({ ...person(p), role: "cohost" as const })),
    ...speakers.map((p) => ({ ...person(p), role: "speaker" as const })),
  ].filter((p) => !named.has(p.sub) && named.add(p.sub));
}

/** The web's edit of a Space; a string when the edit does not fit the Space's state. */
export function updateSpace(
  s: SpaceState,
  u: Update,
  now: number,
): { state: SpaceState; out: Delivery[] } | string {
  if (s.status === "ended") return "This Space has ended.";
  const scheduling = u.scheduledFor !== undefined || u.cohosts !== undefined ||
    u.speakers !== undefined;
  if (scheduling && s.status !== "scheduled") return "Only a scheduled Space can be rescheduled.";
  if (u.scheduledFor !== undefined && u.scheduledFor <= now) return "scheduledFor is in the past.";
  const planned = u.cohosts !== undefined || u.speakers !== undefined
    ? plannedSeats(
      s.host.sub,
      u.cohosts ?? s.planned.filter((p) => p.role === "cohost"),
      u.speakers ?? s.planned.filter((p) => p.role === "speaker"),
    )
    : s.planned;
  const state: SpaceState = {
    ...s,
    ...(u.title !== undefined && { title: u.title }),
    ...(u.scheduledFor !== undefined && { scheduledFor: u.scheduledFor }),
    ...(u.allowVideo !== undefined && { videoAllowed: u.allowVideo }),
    planned,
  };
  return { state, out: [{ to: "all", event: { type: "spaceUpdated", space: spaceInfo(state) } }] };
}

/** Counts that the stage limits apply to. */
export function stageCounts(s: SpaceState) {
  let cohosts = 0;
  let speakers = 0;
  for (const m of s.stage) {
    if (m.role === "cohost") cohosts++;
    else if (m.role === "speaker") speakers++;
  }
  return { cohosts, speakers };
}

/** Whether one more plain speaker fits. */
export const speakerSeatFree = (s: SpaceState) =>
  stageCounts(s).speakers < SPACE_LIMITS.speakersMax && s.stage.length < SPACE_LIMITS.stageMax;

/** Seats a pre-named co-host or speaker who connects while the Space is live; muted on arrival. */
export function seatPlanned(
  s: SpaceState,
  who: Actor,
  by: string,
): { state: SpaceState; out: Delivery[] } {
  const plan = s.planned.find((p) => p.sub === who.sub);
  if (!plan || s.status !== "live" || s.stage.some((m) => m.sub === who.sub)) {
    return { state: s, out: [] };
  }
  const counts = stageCounts(s);
  const fits = plan.role === "cohost"
    ? counts.cohosts < SPACE_LIMITS.cohostsMax
    : counts.speakers < SPACE_LIMITS.speakersMax;
  if (!fits || s.stage.length >= SPACE_LIMITS.stageMax) return { state: s, out: [] };
  // The token's handle and name are fresher than what the web sent when scheduling.
  const seat: StageSeat = { ...person({ ...plan, ...who }), role: plan.role, muted: true };
  const out: Delivery[] = [
    {
      to: "all",
      event: { type: "roleChanged", person: person(seat), role: seat.role, muted: true, by },
    },
  ];
  let hands = s.hands;
  if (handOf(s, who.sub)) {
    hands = hands.filter((h) => h.sub !== who.sub);
    out.unshift({ to: "all", event: { type: "handLowered", sub: who.sub, reason: "accepted" } });
  }
  return {
    state: {
      ...s,
      stage: [...s.stage, seat],
      planned: s.planned.filter((p) => p.sub !== who.sub),
      hands,
      invited: s.invited.filter((x) => x !== who.sub),
    },
    out,
  };
}

/** scheduled -> live; pre-named people already connected take their seats. */
export function startSpace(
  s: SpaceState,
  ctx: ApplyContext,
): { state: SpaceState; out: Delivery[] } {
  let state: SpaceState = { ...s, status: "live", startedAt: ctx.now };
  const out: Delivery[] = [{ to: "all", event: { type: "started", startedAt: ctx.now } }];
  for (const p of s.planned) {
    if (!ctx.isPresent(p.sub)) continue;
    const seated = seatPlanned(state, p, s.host.sub);
    state = seated.state;
    out.push(...seated.out);
  }
  return { state, out };
}

/** live or scheduled -> ended. The stage is kept as a record, but nobody can speak any more. */
export function endSpace(s: SpaceState, now: number): { state: SpaceState; out: Delivery[] } {
  return {
    state: { ...s, status: "ended", endedAt: now, hands: [], invited: [], planned: [], recording: false },
    out: [{ to: "all", event: { type: "ended", endedAt: now } }],
  };
}

/** Replaces the host's blocks; blocked people lose their seat, hand and invitation. */
export function updateBlocks(
  s: SpaceState,
  blockedSubs: string[],
): { state: SpaceState; out: Delivery[] } {
  const blocked = [...new Set(blockedSubs)].filter((sub) => sub !== s.host.sub);
  const out: Delivery[] = [];
  for (const sub of blocked) {
    if (s.stage.some((m) => m.sub === sub) || handOf(s, sub) || s.invited.includes(sub)) {
      out.push({ to: "all", event: { type: "participantLeft", sub, reason: "blocked" } });
    }
  }
  const keep = (sub: string) => !blocked.includes(sub);
  return {
    state: {
      ...s,
      blocked,
      stage: s.stage.filter((m) => keep(m.sub)),
      planned: s.planned.filter((p) => keep(p.sub)),
      hands: s.hands.filter((h) => keep(h.sub)),
      invited: s.invited.filter(keep),
    },
    out,
  };
}
