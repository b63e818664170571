// Direct messages and each person's inbox room (`/parties/user/<userId>`).
// The web is the store of DMs; it POSTs signed `deliver` requests to the inbox rooms of both
// people so that every open tab updates at once. The browser only listens on its inbox (and may
// ping); identity comes from the room token (aud "user", room = the user's id).
// Imports nothing runtime-specific, so Deno, workerd and the browser all load it.
import { z } from "zod";
import { hasVisibleText } from "./text.ts";
import { CallStatus } from "./call.ts";

/** Longest DM, in characters as people count them (code points, so an emoji is one). */
export const DM_MAX_CHARS = 1000;

/** An account id as the web makes them (randomId: base64url). */
export const UserId = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/);

/** The text of a DM: trimmed, 1 to 1,000 characters, at least one of them visible. */
export const DmText = z.string().max(DM_MAX_CHARS * 4).transform((s) => s.trim()).superRefine((s, ctx) => {
  if (s.length === 0) ctx.addIssue({ code: "custom", message: "dm_empty" });
  else if (!hasVisibleText(s)) ctx.addIssue({ code: "custom", message: "dm_invisible" });
  else if ([...s].length > DM_MAX_CHARS) ctx.addIssue({ code: "custom", message: "dm_too_long" });
});

/** How a call in a thread ended, as both people see it in the history. */
export const CallOutcome = z.enum(["answered", "missed", "declined", "cancelled", "busy"]);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** One entry of a thread: a text, or a call between the two people. Ids sort by time. */
export const DmEntry = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("text"),
    id: z.string().min(1).max(40),
    from: UserId,
    to: UserId,
    text: z.string().min(1).max(DM_MAX_CHARS * 2),
    at: z.number().int(),
  }),
  z.object({
    kind: z.literal("call"),
    id: z.string().min(1).max(40),
    /** The caller. */
    from: UserId,
    /** The callee. */
    to: UserId,
    at: z.number().int(),
    callId: z.string().min(1).max(64),
    video: z.boolean(),
    outcome: CallOutcome,
    /** Seconds between accept and end; 0 when not answered. */
    durationS: z.number().int().nonnegative(),
  }),
]);
export type DmEntry = z.infer<typeof DmEntry>;

/** The other person of a thread, as a page shows them. */
export const PeerInfo = z.object({
  id: UserId,
  handle: z.string().max(15),
  name: z.string().max(50),
  verified: z.boolean(),
});
export type PeerInfo = z.infer<typeof PeerInfo>;

/** A row of the thread list. */
export const ThreadSummary = z.object({
  peer: PeerInfo,
  last: DmEntry.nullable(),
  unread: z.number().int().nonnegative(),
  updatedAt: z.number().int(),
});
export type ThreadSummary = z.infer<typeof ThreadSummary>;

/** Everything an inbox room sends to a browser. */
export const InboxEvent = z.discriminatedUnion("type", [
  /** First message on connect. */
  z.object({ type: z.literal("hello"), userId: UserId }),
  /** A new thread entry (sent or received, text or call); `unread` is the thread's count for this reader. */
  z.object({ type: z.literal("dm"), peer: PeerInfo, entry: DmEntry, unread: z.number().int().nonnegative() }),
  /** The reader read a thread (maybe in another tab): its unread count is now 0. */
  z.object({ type: z.literal("read"), peerId: UserId }),
  /** Someone is calling: ring, and offer Accept and Decline. */
  z.object({ type: z.literal("incomingCall"), callId: z.string().min(1).max(64), from: PeerInfo, video: z.boolean() }),
  /** A call stopped ringing or ended (answered elsewhere, cancelled, missed, ...): stop any ringing. */
  z.object({ type: z.literal("callEnded"), callId: z.string().min(1).max(64), status: CallStatus }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), code: z.enum(["bad_message", "rate_limited"]), message: z.string().max(300) }),
]);
export type InboxEvent = z.infer<typeof InboxEvent>;

/** What a browser may send on its inbox: only a keep-alive. */
export const InboxCommand = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") })]);
export type InboxCommand = z.infer<typeof InboxCommand>;

/** Signed POST from the web to `/parties/user/<userId>`: events for every open tab of that person. */
export const InboxRequest = z.object({
  type: z.literal("deliver"),
  events: z.array(InboxEvent).min(1).max(20),
});
export type InboxRequest = z.infer<typeof InboxRequest>;

/** The inbox room's answer to `deliver`: how many open connections got the events. */
export const InboxDelivered = z.object({ ok: z.literal(true), delivered: z.number().int().nonnegative() });
export type InboxDelivered = z.infer<typeof InboxDelivered>;

/** Close codes of the inbox room besides the standard ones (1009: message too big). */
export const INBOX_CLOSE = { unauthorized: 4001, tooManyConnections: 4029, flood: 4008 } as const;
