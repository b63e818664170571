// A recorded Space's Timeline (lib/protocol/recording_timeline.ts), made when it ends from what
// the room kept (stage, comments, reactions, pins: RoomTimeline) and what the origin SFU heard
// (`speaking.jsonl` and `air.jsonl` beside the tracks: one line per change of who speaks, and of
// whose microphone is on air). Times become ms from
// the recording's start; whatever lies before it is dropped, whatever is still open ends with it.
import type { Person } from "../../protocol/space.ts";
import type { RoomTimeline } from "../../protocol/space_http.ts";

type RoomTimelineInput = Omit<RoomTimeline, "captions"> & Partial<Pick<RoomTimeline, "captions">>;
import {
  EMPTY_TIMELINE,
  type SpeakingInterval,
  type SpeakingLine,
  type Timeline,
} from "../../protocol/recording_timeline.ts";
import { parseActivityLines } from "../../protocol/recording_files.ts";

/** Reads `speaking.jsonl` (or `air.jsonl`): lines in order, a torn last line (a crash mid-write) skipped. */
export const parseSpeaking = parseActivityLines;

/** Speaking intervals from the change lines, wall-clock ms; open ones end at `endedAt`. */
export function speakingIntervals(lines: SpeakingLine[], endedAt: number): { sub: string; from: number; to: number }[] {
  const open = new Map<string, number>();
  const out: { sub: string; from: number; to: number }[] = [];
  for (const l of lines) {
    const now = new Set(l.subs);
    for (const [sub, from] of open) {
      if (!now.has(sub)) {
        out.push({ sub, from, to: l.at });
        open.delete(sub);
      }
    }
    for (const sub of now) if (!open.has(sub)) open.set(sub, l.at);
  }
  for (const [sub, from] of open) out.push({ sub, from, to: Math.max(from, endedAt) });
  return out.sort((a, b) => a.from - b.from);
}

/**
 * How late the SFU's audio-level observer can say someone speaks: up to two of its intervals
 * (sfu/media.ts AUDIO_LEVEL, 800 ms) after their voice began.
 */
export const OBSERVER_LAG_MS = 1_600;

/**
 * Speaking intervals made exact where the microphone's time on air says more: one that begins
 * within the observer's lag after the person went on air begins when they did, and none goes on
 * past the end of the stretch on air it began in (the observer hears a voice for up to an
 * interval after a mute). Without on-air lines (recordings made before them), unchanged.
 */
export function alignSpeaking(speaking: SpeakingInterval[], onAir: SpeakingInterval[]): SpeakingInterval[] {
  if (onAir.length === 0) return speaking;
  const out: SpeakingInterval[] = [];
  for (const s of speaking) {
    const mine = onAir.filter((a) => a.sub === s.sub);
    // The stretch on air this interval belongs to: the one it starts in, or one that began just before it.
    const air = mine.find((a) => a.fromMs <= s.fromMs && s.fromMs < a.toMs) ??
      mine.find((a) => a.toMs <= s.fromMs && s.fromMs - a.toMs <= OBSERVER_LAG_MS && s.toMs > a.fromMs);
    if (!air) {
      if (mine.length === 0) out.push(s); // a voice the recording has no on-air line for: as heard
      continue;
    }
    const fromMs = s.fromMs - air.fromMs <= OBSERVER_LAG_MS ? air.fromMs : s.fromMs;
    const toMs = Math.min(s.toMs, air.toMs);
    if (toMs > fromMs) out.push({ sub: s.sub, fromMs, toMs });
  }
  // Two intervals snapped to one start become one.
  out.sort((a, b) => a.sub.localeCompare(b.sub) || a.fromMs - b.fromMs);
  const merged: SpeakingInterval[] = [];
  for (const s of out) {
    const last = merged.at(-1);
    if (last && last.sub === s.sub && s.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, s.toMs);
    else merged.push({ ...s });
  }
  return merged.sort((a, b) => a.fromMs - b.fromMs);
}

/** Joins the room's record and the SFU's speaking lines into one Timeline from `startedAt`. */
export function buildTimeline(
  startedAt: number,
  endedAt: number,
  /** As read from the room, or written by a test (lists with defaults may be left out). */
  room: RoomTimelineInput | null,
  speaking: SpeakingLine[],
  air: SpeakingLine[] = [],
): Timeline {
  const t = EMPTY_TIMELINE(startedAt);
  const end = Math.max(0, Math.round(endedAt - startedAt));
  const rel = (at: number) => Math.min(end, Math.max(0, Math.round(at - startedAt)));
  const inside = (at: number) => at >= startedAt && at <= endedAt;
  const people = new Map<string, Person>();
  for (const p of room?.people ?? []) people.set(p.sub, p);
  for (const s of room?.stage ?? []) {
    const to = s.to ?? endedAt;
    if (to <= startedAt || s.from > endedAt) continue;
    t.stage.push({
      sub: s.sub,
      role: s.role,
      fromMs: rel(s.from),
      ...(s.to !== undefined && s.to < endedAt && { toMs: rel(s.to) }),
    });
  }
  t.stage.sort((a, b) => a.fromMs - b.fromMs);
  const intervals = (lines: SpeakingLine[]) =>
    speakingIntervals(lines, endedAt)
      .filter((s) => s.to > startedAt && s.from < endedAt)
      .map((s): SpeakingInterval => ({ sub: s.sub, fromMs: rel(s.from), toMs: rel(s.to) }))
      .filter((s) => s.toMs > s.fromMs);
  t.onAir = intervals(air);
  t.speaking = alignSpeaking(intervals(speaking), t.onAir);
  t.comments = (room?.comments ?? []).filter((c) => inside(c.at)).map((c) => ({
    id: c.id,
    sub: c.sub,
    text: c.text,
    atMs: rel(c.at),
  }));
  t.reactions = (room?.reactions ?? []).filter((r) => inside(r.at)).map((r) => ({
    emoji: r.emoji,
    count: r.count,
    atMs: rel(r.at),
  }));
  t.pins = (room?.pins ?? []).filter((p) => inside(p.at)).map((p) => ({ atMs: rel(p.at), pin: p.pin }));
  t.transcript = (room?.captions ?? []).filter((c) => inside(c.to)).map((c) => ({
    sub: c.sub,
    text: c.text,
    fromMs: rel(Math.max(c.from, startedAt)),
    toMs: rel(c.to),
  })).sort((a, b) => a.fromMs - b.fromMs);
  const named = new Set([...t.stage, ...t.speaking, ...t.comments, ...t.transcript].map((e) => e.sub));
  for (const sub of named) t.people[sub] = people.get(sub) ?? { sub };
  return t;
}
