// Turns one WebSocket message into a command, or into the refusal its sender gets: size first
// (close 1009), then the connection's rate limits, then JSON and the protocol schema, then the
// per-kind limits (reactions, hands, comments). Pure apart from the limiter state handed in.
import { MAX_MESSAGE_BYTES } from "../../lib/protocol/defaults.ts";
import { SPACE_CLOSE, SpaceCommand, type SpaceErrorCode } from "../../lib/protocol/space.ts";
import { type Bucket, take } from "../shared/limits.ts";
import { FLOOD_STRIKES, LIMITS, type PersonalLimits } from "./limits.ts";

/** Limiter state kept in a connection's attachment. */
export interface ConnLimits {
  buckets: Partial<Record<"message" | "react" | "hand", Bucket>>;
  /** Messages refused in a row for flooding; reaching FLOOD_STRIKES closes the connection. */
  strikes: number;
}

export type Inbound =
  | { kind: "close"; code: number; reason: string }
  | { kind: "refuse"; code: SpaceErrorCode; message: string; ref?: string }
  | { kind: "command"; cmd: SpaceCommand; ref?: string };

/** Whether a message is over MAX_MESSAGE_BYTES, counted in bytes as they travel (UTF-8). */
export function tooBig(message: string | ArrayBuffer | ArrayBufferView): boolean {
  if (typeof message !== "string") return message.byteLength > MAX_MESSAGE_BYTES;
  // A UTF-16 unit takes 1 to 3 bytes in UTF-8, so most strings are decided without encoding.
  if (message.length * 3 <= MAX_MESSAGE_BYTES) return false;
  if (message.length > MAX_MESSAGE_BYTES) return true;
  return new TextEncoder().encode(message).length > MAX_MESSAGE_BYTES;
}

/** Reads one message; `limits` is updated in place for the caller to store. */
export function readMessage(
  message: string | ArrayBuffer | ArrayBufferView,
  limits: ConnLimits,
  personal: PersonalLimits,
  sub: string,
  now: number,
): Inbound {
  if (tooBig(message)) {
    return {
      kind: "close",
      code: SPACE_CLOSE.tooBig,
      reason: "Message too big: the limit is 16 KiB.",
    };
  }
  const general = take(limits.buckets.message, LIMITS.message, now);
  limits.buckets.message = general.bucket;
  if (!general.ok) {
    if (++limits.strikes >= FLOOD_STRIKES) {
      return {
        kind: "close",
        code: SPACE_CLOSE.flood,
        reason: "Too many messages: connection closed.",
      };
    }
    return { kind: "refuse", code: "rate_limited", message: "Too many messages: slow down." };
  }
  limits.strikes = 0;
  if (typeof message !== "string") {
    return { kind: "refuse", code: "bad_message", message: "Commands are JSON text, not binary." };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return { kind: "refuse", code: "bad_message", message: "That message is not valid JSON." };
  }
  // Echo the client's correlation id even on a command that fails validation, when it is sane.
  const rawRef = (raw as { ref?: unknown } | null)?.ref;
  const ref = typeof rawRef === "string" && rawRef.length <= 64 ? rawRef : undefined;
  const withRef = ref === undefined ? {} : { ref };
  const parsed = SpaceCommand.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? ` (${issue.path.join(".")})` : "";
    const message = `Not a valid command${where}: ${issue.message}.`;
    return { kind: "refuse", code: "bad_message", message, ...withRef };
  }
  const cmd = parsed.data;
  const limited = (name: "react" | "hand", what: string): Inbound | undefined => {
    const r = take(limits.buckets[name], LIMITS[name], now);
    limits.buckets[name] = r.bucket;
    return r.ok ? undefined : {
      kind: "refuse",
      code: "rate_limited",
      message: `Too many ${what}: wait a little.`,
      ...withRef,
    };
  };
  if (cmd.type === "react") {
    return limited("react", "reactions") ?? { kind: "command", cmd, ...withRef };
  }
  if (cmd.type === "requestToSpeak" || cmd.type === "cancelRequest") {
    return limited("hand", "raised hands") ?? { kind: "command", cmd, ...withRef };
  }
  // Comments are limited per person, so opening more tabs does not buy more comments.
  if (cmd.type === "comment" && !personal.take(sub, "comment", now)) {
    return {
      kind: "refuse",
      code: "rate_limited",
      message: "Too many comments: wait a little.",
      ...withRef,
    };
  }
  return { kind: "command", cmd, ...withRef };
}
