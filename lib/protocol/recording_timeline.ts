// What a recorded Space's replay shows beside its audio: who was on stage when, who spoke when,
// comments, reactions and pins, each at its time. The room writes stage, comments, reactions and
// pins; the origin SFU writes speaking intervals (its audio-level observer) and when each
// recorded microphone was on air. The web joins both
// when the Space ends into one Timeline, stored beside the replay, times in ms from the start of
// the recording (the replay page subtracts the host's trim).
import { z } from "zod";
import { Person, Pin, Reaction, StageRole } from "./space.ts";

/** Ids as the web makes them (Spaces, clips): the only names a recording's folder or file takes. */
export const RECORDING_ID = /^[A-Za-z0-9_-]{4,64}$/;

const Ms = z.number().int().min(0);

/** One stretch of a person on stage; `toMs` absent: until the end. */
export const StageInterval = z.object({ sub: z.string(), role: StageRole, fromMs: Ms, toMs: Ms.optional() });
export type StageInterval = z.infer<typeof StageInterval>;

/** One stretch of a person speaking, as the SFU's audio-level observer heard it. */
export const SpeakingInterval = z.object({ sub: z.string(), fromMs: Ms, toMs: Ms });
export type SpeakingInterval = z.infer<typeof SpeakingInterval>;

/**
 * One stretch of a person's microphone on air (its producer live on the origin SFU, not muted):
 * where the replay has their voice, to within a network round trip.
 */
export const OnAirInterval = SpeakingInterval;
export type OnAirInterval = SpeakingInterval;

export const TimelineComment = z.object({ id: z.string(), sub: z.string(), text: z.string(), atMs: Ms });
export type TimelineComment = z.infer<typeof TimelineComment>;

/** Reactions of one kind summed over a short window (a burst). */
export const TimelineReaction = z.object({ emoji: Reaction, count: z.number().int().positive(), atMs: Ms });
export type TimelineReaction = z.infer<typeof TimelineReaction>;

/** The pin from `atMs` on (null: unpinned). */
export const TimelinePin = z.object({ atMs: Ms, pin: Pin.nullable() });
export type TimelinePin = z.infer<typeof TimelinePin>;

/** One final caption line: `sub` said `text` from `fromMs` to `toMs`. */
export const TranscriptLine = z.object({ sub: z.string(), text: z.string(), fromMs: Ms, toMs: Ms });
export type TranscriptLine = z.infer<typeof TranscriptLine>;

export const Timeline = z.object({
  /** Wall-clock ms at which the recording began: every `*Ms` counts from here. */
  startedAt: z.number(),
  /** Everyone the timeline names, by sub, as they were shown. */
  people: z.record(z.string(), Person),
  stage: z.array(StageInterval),
  speaking: z.array(SpeakingInterval),
  /** Microphones on air (timelines stored before this was kept have none). */
  onAir: z.array(OnAirInterval).default([]),
  comments: z.array(TimelineComment),
  reactions: z.array(TimelineReaction),
  pins: z.array(TimelinePin),
  /** What was said, from the live captions' final lines (timelines made before captions have none). */
  transcript: z.array(TranscriptLine).default([]),
});
export type Timeline = z.infer<typeof Timeline>;

/**
 * One line of `speaking.jsonl` or `air.jsonl`, which the origin SFU appends beside the tracks
 * while recording: from `at` (wall-clock ms) on, these people speak (or have their microphone on
 * air), until the next line.
 */
export const SpeakingLine = z.object({ at: z.number(), subs: z.array(z.string()) });
export type SpeakingLine = z.infer<typeof SpeakingLine>;

export const EMPTY_TIMELINE = (startedAt: number): Timeline => ({
  startedAt,
  people: {},
  stage: [],
  speaking: [],
  onAir: [],
  comments: [],
  reactions: [],
  pins: [],
  transcript: [],
});

/** Who was on stage at `ms`, host first, in the order they came up. */
export function stageAt(t: Timeline, ms: number): StageInterval[] {
  return t.stage.filter((s) => s.fromMs <= ms && (s.toMs === undefined || ms < s.toMs));
}

/** Who was speaking at `ms`. */
export function speakingAt(t: Timeline, ms: number): Set<string> {
  return new Set(t.speaking.filter((s) => s.fromMs <= ms && ms < s.toMs).map((s) => s.sub));
}

/**
 * Where "next speaker" jumps from `ms`: the start of the next speaking interval of someone other
 * than whoever is speaking at `ms` (or of anyone, if nobody is), at least 1 s ahead; null if none.
 */
export function nextSpeakerAfter(t: Timeline, ms: number): number | null {
  const now = speakingAt(t, ms);
  const next = t.speaking
    .filter((s) => s.fromMs > ms + 1000 && !now.has(s.sub))
    .sort((a, b) => a.fromMs - b.fromMs)[0];
  return next ? next.fromMs : null;
}
