// How a thread entry reads for one person, in the thread and in the list: texts as they are,
// calls as "Missed audio call", "Video call · 2:05" and so on from that person's side.
import { type Lang, type MessageKey, t } from "../i18n/mod.ts";
import type { DmEntry } from "../protocol/dm.ts";

/** 125 -> "2:05"; 3725 -> "1:02:05". */
export function formatDuration(totalS: number): string {
  const s = Math.max(0, Math.floor(totalS));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The words of a call entry as `viewerId` sees it. */
export function callText(lang: Lang, e: Extract<DmEntry, { kind: "call" }>, viewerId: string): string {
  const outgoing = e.from === viewerId;
  const kind = e.video ? "video" : "audio";
  const key: MessageKey = e.outcome === "answered"
    ? `call.log.answered_${kind}`
    : e.outcome === "declined"
    ? (outgoing ? `call.log.declined_out_${kind}` : `call.log.declined_in_${kind}`)
    : e.outcome === "cancelled"
    ? (outgoing ? `call.log.cancelled_${kind}` : `call.log.missed_${kind}`)
    : e.outcome === "busy"
    ? (outgoing ? `call.log.busy_out_${kind}` : `call.log.busy_in_${kind}`)
    : (outgoing ? `call.log.unanswered_${kind}` : `call.log.missed_${kind}`);
  return t(lang, key, { duration: formatDuration(e.durationS) });
}

/** One line for the thread list. */
export function entryPreview(lang: Lang, e: DmEntry, viewerId: string): string {
  if (e.kind === "call") return callText(lang, e, viewerId);
  const text = e.text.length > 80 ? e.text.slice(0, 79) + "…" : e.text;
  return e.from === viewerId ? t(lang, "dm.you_said", { text }) : text;
}
