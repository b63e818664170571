// Who may call whom: THE RULE, as one pure function so that every combination can be tested in a
// table. The callee decides: calling on, the caller in one of the groups they allow, the callee
// has written to the caller at least once, and neither blocks the other. Checked by the web
// before anything rings; a refusal never reaches the callee.
import { z } from "zod";

/** A callee's choices (settings page). `everyone` makes the other groups moot. */
export const CallSettings = z.object({
  enabled: z.boolean(),
  allow: z.object({
    contacts: z.boolean(),
    following: z.boolean(),
    verified: z.boolean(),
    everyone: z.boolean(),
  }).strict(),
}).strict();
export type CallSettings = z.infer<typeof CallSettings>;

/** New accounts take calls from their contacts and the people they follow. */
export const DEFAULT_CALL_SETTINGS: CallSettings = {
  enabled: true,
  allow: { contacts: true, following: true, verified: false, everyone: false },
};

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

export function mayCall(f: CallFacts): CallDecision {
  // Blocks come first: a blocked person learns nothing about the callee's settings.
  if (f.callerBlocksCallee) return { ok: false, reason: "blocked_by_you" };
  if (f.calleeBlocksCaller) return { ok: false, reason: "blocked" };
  if (!f.settings.enabled) return { ok: false, reason: "calling_off" };
  const a = f.settings.allow;
  const inGroup = a.everyone || (a.contacts && f.inContacts) || (a.following && f.followedByCallee) ||
    (a.verified && f.callerVerified);
  if (!inGroup) return { ok: false, reason: "not_allowed" };
  if (!f.calleeWrote) return { ok: false, reason: "no_dm" };
  return { ok: true };
}
