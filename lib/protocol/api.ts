// The JSON API's answers, one schema each: the route types what it sends with the inferred type,
// and the browser (lib/browser/api_client.ts) parses what it gets with the schema. An error is
// `{error: {code, message?, field?}}` with any status that is not 2xx.
// Imports nothing runtime-specific: the web server and the browser both load it.
import { z } from "zod";
import type { MessageKey } from "../i18n/mod.ts";
import { CallSettings } from "../shared/call_rule.ts";
import { CallStatus } from "./call.ts";
import { DmEntry, PeerInfo, ThreadSummary } from "./dm.ts";
import { IceConfig } from "./ice.ts";

/** A catalogue key as the server sends one (`err.generic`, `space.err.ended`): the server only throws catalogue keys. */
export const CatalogueKey = z.custom<MessageKey>((v) =>
  typeof v === "string" && /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(v)
);

/** Any refusal: what went wrong as a catalogue key, and the form field it is about, if one. */
export const ApiErrorAnswer = z.object({
  error: z.object({ code: CatalogueKey, field: z.string().optional(), message: z.string().optional() }),
});
export type ApiErrorAnswer = z.infer<typeof ApiErrorAnswer>;

/** Done, nothing more to say. */
export const Done = z.object({ ok: z.literal(true) });
export type Done = z.infer<typeof Done>;

// ---- Accounts and passkeys (WebAuthn options as JSON, the shapes @simplewebauthn sends) ----

const Transport = z.enum(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);
const Hint = z.enum(["hybrid", "security-key", "client-device"]);
const UserVerification = z.enum(["discouraged", "preferred", "required"]);
const CredentialDescriptor = z.object({
  id: z.string(),
  type: z.literal("public-key"),
  transports: z.array(Transport).optional(),
});
const Extensions = z.object({ credProps: z.boolean().optional() });

/** `POST /api/auth/register/options` and `/api/auth/passkeys/options`: a passkey to make. */
export const PasskeyCreationOptions = z.object({
  rp: z.object({ name: z.string(), id: z.string().optional() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  challenge: z.string(),
  pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.literal("public-key") })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(CredentialDescriptor).optional(),
  authenticatorSelection: z.object({
    authenticatorAttachment: z.enum(["cross-platform", "platform"]).optional(),
    requireResidentKey: z.boolean().optional(),
    residentKey: z.enum(["discouraged", "preferred", "required"]).optional(),
    userVerification: UserVerification.optional(),
  }).optional(),
  hints: z.array(Hint).optional(),
  attestation: z.enum(["direct", "enterprise", "indirect", "none"]).optional(),
  attestationFormats: z.array(
    z.enum(["fido-u2f", "packed", "android-safetynet", "android-key", "tpm", "apple", "none"]),
  ).optional(),
  extensions: Extensions.optional(),
});
export type PasskeyCreationOptions = z.infer<typeof PasskeyCreationOptions>;

/** `POST /api/auth/login/options`: a challenge any of this site's passkeys may answer. */
export const PasskeyRequestOptions = z.object({
  challenge: z.string(),
  timeout: z.number().optional(),
  rpId: z.string().optional(),
  allowCredentials: z.array(CredentialDescriptor).optional(),
  userVerification: UserVerification.optional(),
  hints: z.array(Hint).optional(),
  extensions: Extensions.optional(),
});
export type PasskeyRequestOptions = z.infer<typeof PasskeyRequestOptions>;

/** `POST /api/auth/login/verify` and `/api/auth/register/verify`: signed in as this handle. */
export const SignedIn = z.object({ ok: z.literal(true), handle: z.string() });
export type SignedIn = z.infer<typeof SignedIn>;

/** `POST /api/auth/passkeys/verify`: the passkey was added; the account now has `count`. */
export const PasskeyAdded = z.object({ ok: z.literal(true), count: z.number().int().nonnegative() });
export type PasskeyAdded = z.infer<typeof PasskeyAdded>;

// ---- People ----

/** A person as search results and contact lists show them. */
export const PersonCard = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  verified: z.boolean(),
  contact: z.boolean().optional(),
});
export type PersonCard = z.infer<typeof PersonCard>;

/** `GET /api/people?q=`: people whose handle or name starts with the query. */
export const PeopleFound = z.object({ results: z.array(PersonCard) });
export type PeopleFound = z.infer<typeof PeopleFound>;

/** `PATCH /api/users/<handle>`: my profile as saved. */
export const ProfileSaved = z.object({
  ok: z.literal(true),
  user: z.object({ handle: z.string(), displayName: z.string(), bio: z.string() }),
});
export type ProfileSaved = z.infer<typeof ProfileSaved>;

/** `PUT|DELETE /api/users/<handle>/follow`: whether I follow them now, and their follower count. */
export const FollowChanged = z.object({ ok: z.literal(true), following: z.boolean(), followers: z.number().int() });
export type FollowChanged = z.infer<typeof FollowChanged>;

/** `PUT|DELETE /api/users/<handle>/block`: whether I block them now (and, on block, their follower count). */
export const BlockChanged = z.object({
  ok: z.literal(true),
  blocked: z.boolean(),
  followers: z.number().int().optional(),
});
export type BlockChanged = z.infer<typeof BlockChanged>;

/** `PUT|DELETE /api/contacts/<handle>`: whether they are in my contacts now. */
export const ContactChanged = z.object({ ok: z.literal(true), contact: z.boolean() });
export type ContactChanged = z.infer<typeof ContactChanged>;

// ---- Messages, calls, push ----

/** `GET /api/messages`: my threads, one summary each. */
export const Threads = z.object({ threads: z.array(ThreadSummary) });
export type Threads = z.infer<typeof Threads>;

/** `GET /api/messages/<handle>`: a page of the thread with one person. */
export const ThreadPage = z.object({ entries: z.array(DmEntry) });
export type ThreadPage = z.infer<typeof ThreadPage>;

/** `POST /api/messages/<handle>`: the DM as stored. */
export const DmSent = z.object({ entry: DmEntry });
export type DmSent = z.infer<typeof DmSent>;

/** `POST /api/calls`: the call placed (ringing, or already final: busy, ...). */
export const CallPlaced = z.object({ callId: z.string().min(1).max(64), status: CallStatus });
export type CallPlaced = z.infer<typeof CallPlaced>;

/** `GET /api/calls/incoming`: the call ringing for me now, if any. */
export const IncomingCall = z.object({
  call: z.object({ callId: z.string().min(1).max(64), from: PeerInfo, video: z.boolean() }).nullable(),
});
export type IncomingCall = z.infer<typeof IncomingCall>;

/** `POST /api/calls/<id>/join` and `POST /api/inbox/token`: a token for a party room. */
export const RoomToken = z.object({ token: z.string().min(1) });
export type RoomToken = z.infer<typeof RoomToken>;

/** `POST /api/calls/<id>/media`: the SFU, a token for the call's media room, and the TURN relays. */
export const CallMediaAccess = z.object({
  token: z.string().min(1),
  url: z.string().min(1),
  ice: IceConfig.optional(),
});
export type CallMediaAccess = z.infer<typeof CallMediaAccess>;

/** `GET|PUT /api/settings/calls`: who may call me. */
export const CallSettingsAnswer = z.object({ settings: CallSettings });
export type CallSettingsAnswer = z.infer<typeof CallSettingsAnswer>;

/** `GET /api/push/key`: the server's public VAPID key. */
export const PushKey = z.object({ publicKey: z.string().min(1) });
export type PushKey = z.infer<typeof PushKey>;

// ---- Spaces and recordings ----

/** `POST /api/spaces`: the new Space and its page. */
export const SpaceCreated = z.object({ ok: z.literal(true), id: z.string(), url: z.string(), status: z.string() });
export type SpaceCreated = z.infer<typeof SpaceCreated>;

/** `PATCH /api/spaces/<id>`: the scheduled Space was saved. */
export const SpaceEdited = z.object({ ok: z.literal(true), id: z.string() });
export type SpaceEdited = z.infer<typeof SpaceEdited>;

/** `POST /api/spaces/<id>/start`: the Space is live at `url`. */
export const SpaceStarted = z.object({ ok: z.literal(true), id: z.string(), url: z.string() });
export type SpaceStarted = z.infer<typeof SpaceStarted>;

/** `PUT|DELETE /api/spaces/<id>/reminder`: whether I am reminded now. */
export const ReminderChanged = z.object({ ok: z.literal(true), reminder: z.boolean() });
export type ReminderChanged = z.infer<typeof ReminderChanged>;

/** `POST /api/spaces/<id>/clips`: the clip cut, and where its audio is. */
export const ClipMade = z.object({ id: z.string(), url: z.string(), durationMs: z.number(), expiresAt: z.number() });
export type ClipMade = z.infer<typeof ClipMade>;

/** `PATCH /api/spaces/<id>/recording`: the recording's trim and clips switch as saved. */
export const RecordingPatched = z.object({
  ok: z.literal(true),
  trimStartMs: z.number().optional(),
  clipsAllowed: z.boolean().optional(),
  durationMs: z.number().optional(),
});
export type RecordingPatched = z.infer<typeof RecordingPatched>;
