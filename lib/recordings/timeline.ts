// A recorded Space's Timeline (lib/protocol/recording_timeline.ts), made when it ends from what
// the room kept (stage, comments, reactions, pins: RoomTimeline) and what the origin SFU heard
// (`speaking.jsonl` beside the tracks: one line per change of who speaks). Times become ms from
// the recording's start; whatever lies before it is dropped, whatever is still open ends with it.
import type { Person } from "../protocol/space.ts";
import type { RoomTimeline } from "../protocol/space_http.ts";
import { EMPTY_TIMELINE, type SpeakingInterval, SpeakingLine, type Timeline } from "../protocol/recording_timeline.ts";

/** Reads `speaking.jsonl`: lines in order, a torn last line (a crash mid-write) skipped. */
export function parseSpeaking(text: string): SpeakingLine[] {
  const out: SpeakingLine[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      continue; // a torn line
    }
    const line = SpeakingLine.safeParse(json);
    if (line.success) out.push(line.data);
  }
  return out.sort((a, b) => a.at - b.at);
}

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

/** Joins the room's record and the SFU's speaking lines into one Timeline from `startedAt`. */
export function buildTimeline(
  startedAt: number,
  endedAt: number,
  room: RoomTimeline | null,
  speaking: SpeakingLine[],
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
    t.stage.push({ sub: s.sub, role: s.role, fromMs: rel(s.from), ...(s.to !== undefined && s.to < endedAt && { toMs: rel(s.to) }) });
  }
  t.stage.sort((a, b) => a.fromMs - b.fromMs);
  t.speaking = speakingIntervals(speaking, endedAt)
    .filter((s) => s.to > startedAt && s.from < endedAt)
    .map((s): SpeakingInterval => ({ sub: s.sub, fromMs: rel(s.from), toMs: rel(s.to) }))
    .filter((s) => s.toMs > s.fromMs);
  t.comments = (room?.comments ?? []).filter((c) => inside(c.at)).map((c) => ({ id: c.id, sub: c.sub, text: c.text, atMs: rel(c.at) }));
  t.reactions = (room?.reactions ?? []).filter((r) => inside(r.at)).map((r) => ({ emoji: r.emoji, count: r.count, atMs: rel(r.at) }));
  t.pins = (room?.pins ?? []).filter((p) => inside(p.at)).map((p) => ({ atMs: rel(p.at), pin: p.pin }));
  const named = new Set([...t.stage, ...t.speaking, ...t.comments].map((e) => e.sub));
  for (const sub of named) t.people[sub] = people.get(sub) ?? { sub };
  return t;
}
