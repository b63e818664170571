// Who may call whom: THE RULE, as one pure function so that every combination can be tested in a
// table. The callee decides: one choice of who may call them, the caller within it, the callee
// has written to the caller at least once, and neither blocks the other. Checked by the web
// before anything rings; a refusal never reaches the callee.
import { z } from "zod";

/**
 * The choices, narrowest first. Each one past "nobody" widens the one before it: "following" is
 * your contacts and the people you follow, "verified" adds verified accounts, "everyone" is anyone.
 * One radio choice, so "Everyone" can no longer sit beside a narrower group that it makes moot.
 */
export const CALL_CHOICES = ["nobody", "contacts", "following", "verified", "everyone"] as const;
export type CallChoice = typeof CALL_CHOICES[number];

/** A callee's choice (settings page), as stored under ["call_settings", id] and sent by the API. */
export const CallSettings = z.object({ who: z.enum(CALL_CHOICES) }).strict();
export type CallSettings = z.infer<typeof CallSettings>;

/** New accounts take calls from their contacts and the people they follow. */
export const DEFAULT_CALL_SETTINGS: CallSettings = { who: "following" };

/** The shape stored before the single choice: calling on or off, and a checkbox per group. */
const StoredBefore = z.object({
  enabled: z.boolean(),
  allow: z.object({ contacts: z.boolean(), following: z.boolean(), verified: z.boolean(), everyone: z.boolean() }),
});

/**
 * Reads a stored value of either shape. An old one becomes the narrowest choice that still lets in
 * everyone it let in (so no call that worked before is refused after): calling off, or no group
 * ticked, is "nobody"; otherwise the widest ticked group. `migrated` says it must be written back.
 */
export function readCallSettings(stored: unknown): { settings: CallSettings; migrated: boolean } {
  if (stored === null || stored === undefined) return { settings: DEFAULT_CALL_SETTINGS, migrated: false };
  const now = CallSettings.safeParse(stored);
  if (now.success) return { settings: now.data, migrated: false };
  const old = StoredBefore.safeParse(stored);
  if (!old.success) return { settings: DEFAULT_CALL_SETTINGS, migrated: true };
  const a = old.data.allow;
  const who: CallChoice = !old.data.enabled
    ? "nobody"
    : a.everyone
    ? "everyone"
    : a.verified
    ? "verified"
    : a.following
    ? "following"
    : a.contacts
    ? "contacts"
    : "nobody";
  return { settings: { who }, migrated: true };
}

/** What the web knows about a caller and a callee, from the callee's point of view. */
export interface CallFacts {
  /** The callee's settings. */
  settings: CallSettings;
  /** The caller is in the callee's contacts. */
  inContacts: boolean;
  /** The callee follows the caller. */
  followedByCallee: boolean;
  /** The caller's account is verified. */
  callerVerified: boolean;
  /** The callee has sent the caller at least one DM. */
  calleeWrote: boolean;
  calleeBlocksCaller: boolean;
  callerBlocksCallee: boolean;
}

/** Why a call is refused, most fundamental first; each has a plain-words message `call.err.<reason>`. */
export type CallRefusal = "blocked_by_you" | "blocked" | "calling_off" | "not_allowed" | "no_dm";

export type CallDecision = { ok: true } | { ok: false; reason: CallRefusal };

/** Whether the caller is within the callee's choice (each choice includes the narrower ones). */
function within(f: CallFacts): boolean {
  switch (f.settings.who) {
    case "nobody":
      return false;
    case "contacts":
      return f.inContacts;
    case "following":
      return f.inContacts || f.followedByCallee;
    case "verified":
      return f.inContacts || f.followedByCallee || f.callerVerified;
    case "everyone":
      return true;
  }
}

export function mayCall(f: CallFacts): CallDecision {
  // Blocks come first: a blocked person learns nothing about the callee's settings.
  if (f.callerBlocksCallee) return { ok: false, reason: "blocked_by_you" };
  if (f.calleeBlocksCaller) return { ok: false, reason: "blocked" };
  if (f.settings.who === "nobody") return { ok: false, reason: "calling_off" };
  if (!within(f)) return { ok: false, reason: "not_allowed" };
  if (!f.calleeWrote) return { ok: false, reason: "no_dm" };
  return { ok: true };
}
