// Live captions between the processes: the Space room tells the SFU which language to caption a
// Space in (or none), the SFU tells the room whether it can, and sends each speaker's words as
// they are recognised; the room checks and sends them to its listeners and shards.
import { z } from "zod";

/** Longest text of one caption line (a long utterance is cut by the engine at its pauses). */
export const CAPTION_TEXT_MAX = 500;
/** Language codes the engines are keyed by (`en`, `fr`, `it`, ...). */
export const CaptionLang = z.string().regex(/^[a-z]{2,3}$/);

/** Room -> SFU (`/control/captions`): caption this Space in `lang`, or stop (`null`). */
export const CaptionsRequest = z.object({
  room: z.string().min(1).max(80),
  lang: CaptionLang.nullable(),
});
export type CaptionsRequest = z.infer<typeof CaptionsRequest>;

const sub = z.string().min(1).max(128);

/** SFU -> room: one line of one speaker, partial (replaced as it grows) or final. */
export const CaptionLineRequest = z.object({
  type: z.literal("caption"),
  sub,
  /** The utterance: a partial and the final that replaces it share it. */
  id: z.string().min(1).max(40),
  text: z.string().max(CAPTION_TEXT_MAX),
  final: z.boolean(),
  /** When the words began and when this text was made (ms since epoch, the SFU's clock). */
  startedAt: z.number().int().nonnegative(),
  at: z.number().int().nonnegative(),
});
export type CaptionLineRequest = z.infer<typeof CaptionLineRequest>;

/** SFU -> room: whether this Space's language can be captioned here, and why not. */
export const CaptionsStatusRequest = z.object({
  type: z.literal("captionsStatus"),
  lang: CaptionLang,
  available: z.boolean(),
  why: z.string().max(300).optional(),
});
export type CaptionsStatusRequest = z.infer<typeof CaptionsStatusRequest>;

/** What a page knows about captions in this Space. `off`: the host turned them off. */
export const CaptionsInfo = z.object({
  state: z.enum(["on", "off", "unsupported", "pending"]),
  lang: z.string().max(10).optional(),
  /** For the host: why the language cannot be captioned (no model for it on the media server). */
  why: z.string().max(300).optional(),
});
export type CaptionsInfo = z.infer<typeof CaptionsInfo>;

/** Room -> pages: a caption line with its speaker's name. */
export const CaptionEventShape = {
  sub,
  name: z.string().max(100),
  id: z.string().min(1).max(40),
  text: z.string().max(CAPTION_TEXT_MAX),
  final: z.boolean(),
  at: z.number().int().nonnegative(),
};
