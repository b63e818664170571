// Live captions in the Space room: what the Space says about them (captionsInfo), which language
// the SFU is asked to caption (captionsWanted: none while the host has them off, or before and
// after the Space is live), and the SFU's lines, checked before they go to the listeners here and
// on the shards: a line for someone not on stage now, or while captions are off, changes nothing.
import type { CaptionLineRequest, CaptionsInfo, CaptionsStatusRequest } from "../../lib/protocol/captions.ts";
import { fail, json } from "../shared/http.ts";
import type { SpaceRoomHandle } from "./handle.ts";
import { all, person, spaceInfo, type SpaceState } from "./state.ts";

/** The caption model is keyed by the Space's language: `en`, `fr`, `it`; `en-GB` is `en`. */
export function captionLang(s: SpaceState): string | undefined {
  const base = s.lang?.toLowerCase().split(/[-_]/)[0];
  return base && /^[a-z]{2,3}$/.test(base) ? base : undefined;
}

/** The language the SFU should caption now, or null for none. */
export function captionsWanted(s: SpaceState | undefined): string | null {
  if (!s || s.status !== "live" || s.captionsOff === true) return null;
  return captionLang(s) ?? null;
}

export function captionsInfo(s: SpaceState): CaptionsInfo {
  const lang = captionLang(s);
  if (!lang) return { state: "unsupported", why: "This Space has no language set." };
  if (s.captionsOff === true) return { state: "off", lang };
  const status = s.captionsStatus;
  if (!status || status.lang !== lang) return { state: "pending", lang };
  return status.available
    ? { state: "on", lang }
    : { state: "unsupported", lang, ...(status.why && { why: status.why }) };
}

export function handleCaptionRequest(
  room: SpaceRoomHandle,
  s: SpaceState,
  r: CaptionLineRequest | CaptionsStatusRequest,
): Response {
  if (r.type === "captionsStatus") {
    const next = { lang: r.lang, available: r.available, ...(r.why && { why: r.why }) };
    const same = s.captionsStatus && JSON.stringify(s.captionsStatus) === JSON.stringify(next);
    if (!same) {
      const state = { ...s, captionsStatus: next };
      room.commit({ state, out: [all({ type: "spaceUpdated", space: spaceInfo(state) })] });
    }
    return json({ ok: true });
  }
  if (s.status !== "live") return fail(409, "conflict", "This Space is not live.");
  if (captionsWanted(s) === null) return fail(409, "captions_off", "Captions are off in this Space.");
  const speaker = s.stage.find((m) => m.sub === r.sub);
  if (!speaker) return fail(403, "forbidden", "Only the words of people on stage are captioned.");
  room.broadcast({
    type: "caption",
    sub: r.sub,
    name: speaker.name ?? speaker.handle ?? "",
    id: r.id,
    text: r.text,
    final: r.final,
    at: r.at,
  });
  // Finals of a recorded Space are its transcript (a Space not recorded keeps none).
  if (r.final && r.text !== "") room.timeline.caption(s, person(speaker), r.text, r.startedAt, r.at);
  return json({ ok: true });
}
