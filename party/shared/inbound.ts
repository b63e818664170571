// The one way a room reads what a browser sends on its WebSocket, for every party: the size in
// UTF-8 bytes (over MAX_MESSAGE_BYTES closes the connection), the connection's token bucket (a
// refusal is a strike; FLOOD_STRIKES of them in a row close it), then JSON, then the room's schema,
// then any limit of the room's own on that command. Each room passes its schema, its rule and its
// close codes; the refusal goes back to the sender as the room's `error` event.
// `readInbound` is the pure part (the caller keeps the limiter state); `receive` does the socket's
// side of it: the state in the connection's attachment, the error reply, the close.
import type * as Party from "partykit/server";
import { MAX_MESSAGE_BYTES } from "../../lib/protocol/defaults.ts";
import { type Bucket, type Rule, take } from "./limits.ts";
import { closeQuietly, sendText } from "./socket.ts";

/** What a browser sends, as a WebSocket hands it over. */
export type Message = string | ArrayBuffer | ArrayBufferView;

/** The error codes the inbound path itself answers with (every room's protocol has both). */
export type InboundCode = "bad_message" | "rate_limited";

/** Limiter state kept in a connection's attachment: `message` is the general bucket. */
export interface ConnLimits<K extends string = never> {
  buckets: Partial<Record<"message" | K, Bucket>>;
  /** Messages refused in a row for flooding; reaching the room's `strikes` closes the connection. */
  strikes: number;
}

/** A schema as zod's `safeParse` answers: the command, or the issues (the first is reported). */
export interface Schema<T> {
  safeParse(data: unknown):
    | { success: true; data: T }
    | {
      success: false;
      error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
    };
}

/** One room's inbound rules. */
export interface InboundRules<Cmd> {
  schema: Schema<Cmd>;
  /** Any message on one connection. */
  rule: Rule;
  /** Refused messages in a row after which a connection that keeps flooding is closed. */
  strikes: number;
  /** Close codes: over the size limit, and flooding. */
  close: { tooBig: number; flood: number };
  /** What the schema validates, in the refusal: "Not a valid <noun> (path): issue." */
  noun: string;
  /** One text for every malformed message (binary, not JSON, schema miss) instead of the reasons. */
  malformed?: string;
  /** Whether the client's correlation id comes back on refusals (false where the protocol has none). */
  echoRef: boolean;
  /** The answer to a message on a connection not admitted yet; unset: ignored. */
  unready?: string;
}

export type Inbound<Cmd> =
  | { kind: "close"; code: number; reason: string }
  | { kind: "refuse"; code: InboundCode; message: string; ref?: string }
  | { kind: "command"; cmd: Cmd; ref?: string };

/**
 * A room's limit of its own on one command (its buckets beside `message` in `limits`, updated in
 * place): the `rate_limited` message when it refuses.
 */
export type CommandLimit<Cmd> = (
  cmd: Cmd,
  limits: ConnLimits<string>,
  now: number,
) => string | undefined;

/** The standard close code for a message over the limit ("message too big", RFC 6455). */
export const CLOSE_TOO_BIG = 1009;

export const TOO_BIG = "Message too big: the limit is 16 KiB.";
export const FLOODED = "Too many messages: connection closed.";
export const SLOW_DOWN = "Too many messages: slow down.";
export const NOT_TEXT = "Commands are JSON text, not binary.";
export const NOT_JSON = "That message is not valid JSON.";

/** Whether a message is over MAX_MESSAGE_BYTES, counted in bytes as they travel (UTF-8). */
export function tooBig(message: Message): boolean {
  if (typeof message !== "string") return message.byteLength > MAX_MESSAGE_BYTES;
  // A UTF-16 unit takes 1 to 3 bytes in UTF-8, so most strings are decided without encoding.
  if (message.length * 3 <= MAX_MESSAGE_BYTES) return false;
  if (message.length > MAX_MESSAGE_BYTES) return true;
  return new TextEncoder().encode(message).length > MAX_MESSAGE_BYTES;
}

/** Reads one message; `limits` is updated in place for the caller to store. */
export function readInbound<Cmd>(
  message: Message,
  limits: ConnLimits<string>,
  rules: InboundRules<Cmd>,
  now: number,
  limit?: CommandLimit<Cmd>,
): Inbound<Cmd> {
  if (tooBig(message)) return { kind: "close", code: rules.close.tooBig, reason: TOO_BIG };
  const general = take(limits.buckets.message, rules.rule, now);
  limits.buckets.message = general.bucket;
  if (!general.ok) {
    if (++limits.strikes >= rules.strikes) {
      return { kind: "close", code: rules.close.flood, reason: FLOODED };
    }
    return { kind: "refuse", code: "rate_limited", message: SLOW_DOWN };
  }
  limits.strikes = 0;
  const malformed = (message: string, ref?: string): Inbound<Cmd> => ({
    kind: "refuse",
    code: "bad_message",
    message: rules.malformed ?? message,
    ...(ref !== undefined && { ref }),
  });
  if (typeof message !== "string") return malformed(NOT_TEXT);
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return malformed(NOT_JSON);
  }
  // Echo the client's correlation id even on a command that fails validation, when it is sane.
  const rawRef = (raw as { ref?: unknown } | null)?.ref;
  const ref = rules.echoRef && typeof rawRef === "string" && rawRef.length <= 64 ? rawRef : undefined;
  const withRef = ref === undefined ? {} : { ref };
  const parsed = rules.schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? ` (${issue.path.join(".")})` : "";
    return malformed(`Not a valid ${rules.noun}${where}: ${issue.message}.`, ref);
  }
  const limited = limit?.(parsed.data, limits, now);
  if (limited !== undefined) {
    return { kind: "refuse", code: "rate_limited", message: limited, ...withRef };
  }
  return { kind: "command", cmd: parsed.data, ...withRef };
}

/** A command read off a connection, with the attachment as it now stands. */
export interface Received<Cmd, S> {
  cmd: Cmd;
  ref?: string;
  state: S;
}

/**
 * Reads one message on `conn`: keeps its limiter state in the attachment, closes a connection
 * that sent too much, answers a refusal with the room's `error` event, and hands back the command
 * (undefined when there is none to apply). `keep` adds what the room stores beside the limits.
 */
export function receive<Cmd, S extends ConnLimits<string>>(
  conn: Party.Connection<S>,
  message: Message,
  rules: InboundRules<Cmd>,
  opts: { now: number; limit?: CommandLimit<Cmd>; keep?: (st: S) => S },
): Received<Cmd, S> | undefined {
  const st = conn.state;
  if (!st) {
    if (tooBig(message)) closeQuietly(conn, rules.close.tooBig, TOO_BIG);
    else if (rules.unready !== undefined) sendError(conn, "bad_message", rules.unready);
    return undefined;
  }
  const limits: ConnLimits<string> = { buckets: { ...st.buckets }, strikes: st.strikes };
  const read = readInbound(message, limits, rules, opts.now, opts.limit);
  const kept = { ...st, ...limits } as S;
  const state = opts.keep ? opts.keep(kept) : kept;
  conn.setState(state);
  if (read.kind === "close") {
    closeQuietly(conn, read.code, read.reason);
    return undefined;
  }
  if (read.kind === "refuse") {
    sendError(conn, read.code, read.message, read.ref);
    return undefined;
  }
  return { cmd: read.cmd, ...(read.ref !== undefined && { ref: read.ref }), state };
}

/** The `error` event every room's protocol shares: `{type: "error", code, message, ref?}`. */
export function sendError(
  conn: Party.Connection,
  code: string,
  message: string,
  ref?: string,
): boolean {
  return sendText(
    conn,
    JSON.stringify({ type: "error", code, message, ...(ref !== undefined && { ref }) }),
  );
}
