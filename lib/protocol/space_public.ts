// What the web tells any page about Spaces outside their rooms: the cards of the home's live list
// (GET /api/spaces, which the home polls) and where an ended Space's replay stands (GET
// /api/spaces/<id>, which an ended screen and the dock poll until the replay is made).
import { z } from "zod";
import { PublicStageMember } from "./space_http.ts";

/** The languages a Space may be in (the directory's SPACE_LANGS; a test keeps the two equal). */
export const CARD_LANGS = ["en", "fr", "it", "es", "de", "pt", "other"] as const;

/** One Space as a card shows it. */
export const SpaceCardData = z.object({
  id: z.string(),
  status: z.enum(["scheduled", "live", "ended"]),
  title: z.string(),
  lang: z.enum(CARD_LANGS),
  topics: z.array(z.string()),
  listenerCount: z.number().int().nonnegative(),
  stage: z.array(PublicStageMember),
  host: z.object({ id: z.string(), displayName: z.string() }).nullable(),
});
export type SpaceCardData = z.infer<typeof SpaceCardData>;

/** GET /api/spaces?topic&lang&q: the live Spaces the home shows for these filters, in its order. */
export const LiveSpaces = z.object({ spaces: z.array(SpaceCardData) });
export type LiveSpaces = z.infer<typeof LiveSpaces>;

/**
 * Where a Space's replay stands: none (not recorded), making (recorded, being mixed), ready,
 * empty (recorded but nobody spoke: nothing to mix), failed (the mix failed), gone (deleted or
 * expired).
 */
export const ReplayState = z.enum(["none", "making", "ready", "empty", "failed", "gone"]);
export type ReplayState = z.infer<typeof ReplayState>;

/** GET /api/spaces/<id>: the Space's status and, once it ended, its replay's. */
export const SpacePublicState = z.object({
  status: z.enum(["scheduled", "live", "ended"]),
  replay: ReplayState,
});
export type SpacePublicState = z.infer<typeof SpacePublicState>;

/** Whether a replay state can still change by itself (the ended screen keeps asking). */
export const replaySettled = (s: ReplayState | null): boolean => s !== null && s !== "making";
