// What the replay page shows at one moment of a recorded Space, computed from its timeline: the
// stage as it was (each person lit while they speak), the comments written so far, the reactions
// of the last moments, the pin of the moment, and where "next speaker" jumps. Pure: the replay
// island asks it at every time update, and tables test it (replay_view_test.ts).
import type { Person, Pin, Reaction, StageRole } from "../protocol/space.ts";
import {
  nextSpeakerAfter,
  speakingAt,
  stageAt,
  type Timeline,
  type TimelineComment,
} from "../protocol/recording_timeline.ts";

/** How long a reaction stays on screen after its time (the burst animation lasts 2.4 s). */
export const BURST_MS = 2_500;
/** The most comments the page keeps in its list; older ones scroll off the top. */
export const COMMENTS_SHOWN = 200;

export interface ReplayStageMember extends Person {
  role: StageRole;
  speaking: boolean;
}

export interface ReplayComment extends TimelineComment {
  name?: string;
  handle?: string;
}

export interface ReplayBurst {
  /** Stable across updates, so a burst animates once. */
  key: string;
  emoji: Reaction;
  count: number;
}

export interface ReplayMoment {
  stage: ReplayStageMember[];
  comments: ReplayComment[];
  reactions: ReplayBurst[];
  pin: Pin | null;
  /** Where "next speaker" jumps, in timeline ms; null when nobody else speaks later. */
  nextSpeakerMs: number | null;
}

const ROLE_ORDER: Record<StageRole, number> = { host: 0, cohost: 1, speaker: 2 };

/** The timeline's ms for a time in the replay's audio (which starts at the host's trim). */
export function timelineMs(audioSeconds: number, trimStartMs: number): number {
  return Math.max(0, Math.round(trimStartMs + audioSeconds * 1000));
}

/** The replay's audio time (s) for a timeline ms; before the trim is the replay's start. */
export function audioSeconds(ms: number, trimStartMs: number): number {
  return Math.max(0, ms - trimStartMs) / 1000;
}

/** Whether a timeline has anything to show beside the audio (an empty one leaves just the player). */
export function hasMoments(t: Timeline | null | undefined): t is Timeline {
  return !!t && (t.stage.length + t.speaking.length + t.comments.length + t.reactions.length + t.pins.length) > 0;
}

/** Everything the page shows at timeline time `ms`. */
export function momentAt(t: Timeline, ms: number): ReplayMoment {
  const speaking = speakingAt(t, ms);
  const seen = new Set<string>();
  const stage = stageAt(t, ms)
    .filter((s) => !seen.has(s.sub) && seen.add(s.sub))
    .map((s, i) => ({ s, i }))
    // Host first, then co-hosts, then speakers, each in the order they came up.
    .sort((a, b) => ROLE_ORDER[a.s.role] - ROLE_ORDER[b.s.role] || a.i - b.i)
    .map(({ s }) => ({ ...personOf(t, s.sub), role: s.role, speaking: speaking.has(s.sub) }));
  const comments = t.comments
    .filter((c) => c.atMs <= ms)
    .sort((a, b) => a.atMs - b.atMs)
    .slice(-COMMENTS_SHOWN)
    .map((c) => ({ ...c, name: t.people[c.sub]?.name, handle: t.people[c.sub]?.handle }));
  const reactions = t.reactions
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.atMs <= ms && ms - r.atMs < BURST_MS)
    .map(({ r, i }) => ({ key: `${r.atMs}-${i}`, emoji: r.emoji, count: r.count }));
  let pin: Pin | null = null;
  let pinAt = -1;
  for (const p of t.pins) {
    if (p.atMs <= ms && p.atMs >= pinAt) {
      pin = p.pin;
      pinAt = p.atMs;
    }
  }
  return { stage, comments, reactions, pin, nextSpeakerMs: nextSpeakerAfter(t, ms) };
}

/** One stretch of the progress bar where a person spoke, in % of the replay's audio. */
export interface SpeakerMark {
  sub: string;
  name: string;
  /** Where it starts and how long it lasts, in % of the bar (0-100). */
  left: number;
  width: number;
}

/** Gaps shorter than this between one person's words draw as one mark (a bar is a few hundred px). */
export const MARK_JOIN_MS = 2_000;

/**
 * Where each person spoke, as marks on the replay's progress bar: the timeline's speaking
 * intervals moved to the audio's time (it starts at the host's trim), cut to the audio, each
 * person's close ones joined, at least a sliver wide so a short word still shows.
 */
export function speakerMarks(t: Timeline, trimStartMs: number, lengthMs: number): SpeakerMark[] {
  if (lengthMs <= 0) return [];
  const bySub = new Map<string, { from: number; to: number }[]>();
  for (const s of [...t.speaking].sort((a, b) => a.fromMs - b.fromMs)) {
    const from = Math.max(0, s.fromMs - trimStartMs);
    const to = Math.min(lengthMs, s.toMs - trimStartMs);
    if (to <= from) continue;
    const list = bySub.get(s.sub) ?? [];
    const last = list.at(-1);
    if (last && from - last.to < MARK_JOIN_MS) last.to = Math.max(last.to, to);
    else list.push({ from, to });
    bySub.set(s.sub, list);
  }
  const marks: SpeakerMark[] = [];
  for (const [sub, list] of bySub) {
    const p = personOf(t, sub);
    const name = p.name ?? (p.handle ? `@${p.handle}` : "?");
    for (const { from, to } of list) {
      const left = (from / lengthMs) * 100;
      marks.push({ sub, name, left, width: Math.min(100 - left, Math.max(0.6, ((to - from) / lengthMs) * 100)) });
    }
  }
  return marks.sort((a, b) => a.left - b.left);
}

function personOf(t: Timeline, sub: string): Person {
  return t.people[sub] ?? { sub };
}

/** What the keyboard does on the replay page; null lets the key do what it does anyway. */
export type ReplayKeyAction = "toggle" | "back" | "forward" | "nextSpeaker";

export function replayKeyAction(key: string, target: { tagName: string }): ReplayKeyAction | null {
  // The scrubber and buttons keep their own keys (arrows on the range, Space on a button).
  if (["INPUT", "BUTTON", "A", "TEXTAREA", "SELECT"].includes(target.tagName)) return null;
  switch (key) {
    case " ":
    case "k":
    case "K":
      return "toggle";
    case "ArrowLeft":
    case "j":
    case "J":
      return "back";
    case "ArrowRight":
    case "l":
    case "L":
      return "forward";
    case "n":
    case "N":
      return "nextSpeaker";
    default:
      return null;
  }
}

/** Minutes and seconds (hours when there are any) of a time in seconds. */
export function clock(s: number): string {
  const total = Math.max(0, Math.floor(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
