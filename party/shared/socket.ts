// What every party does when the other end may already be gone: a person's tab can close, or a
// server can hang up, between the moment a room decides to answer and the moment it writes.
// workerd throws "Can't call WebSocket send() after close()" from send() on such a socket, and a
// throw inside an event handler is an uncaught error in the runtime's log; a departure is normal
// and must cost nothing but the message nobody is there to read.
import type * as Party from "partykit/server";
import { fail } from "./http.ts";

const OPEN = 1;
const CLOSED = 3;
/** RFC 6455 allows 123 bytes of close reason; workerd throws on a longer one. */
const MAX_REASON_BYTES = 123;

/** Sends if the socket is still open; false when the peer had gone (nothing is thrown). */
export function sendText(conn: Party.Connection, text: string): boolean {
  if (conn.readyState !== OPEN) return false;
  try {
    conn.send(text);
    return true;
  } catch {
    // Closed in the instant between the check and the write.
    return false;
  }
}

/** Sends one text to every open connection of the room except `without`; how many got it. */
export function broadcastText(room: Party.Room, text: string, without?: readonly string[]): number {
  let sent = 0;
  for (const c of room.getConnections()) {
    if (without?.includes(c.id)) continue;
    if (sendText(c, text)) sent++;
  }
  return sent;
}

/**
 * Closes a connection with a code and reason a client can show. Also completes the closing
 * handshake after the peer's close (the socket is then CLOSING, and a browser waits for our frame).
 * A socket already closed is left alone.
 */
export function closeQuietly(conn: Party.Connection, code?: number, reason?: string): void {
  if (conn.readyState === CLOSED) return;
  try {
    if (code === undefined) conn.close();
    else conn.close(code, reason === undefined ? undefined : clampReason(reason));
  } catch {
    // Already closing from the other side: nothing left to say.
  }
}

/** A close reason cut to what the protocol allows, on a character boundary. */
export function clampReason(reason: string): string {
  const enc = new TextEncoder();
  if (enc.encode(reason).length <= MAX_REASON_BYTES) return reason;
  let out = "";
  for (const ch of reason) {
    if (enc.encode(out + ch + "…").length > MAX_REASON_BYTES) break;
    out += ch;
  }
  return out + "…";
}

/**
 * Runs an HTTP handler so that a caller who hangs up mid-body, or a body the handler chose not to
 * read, ends as a refusal rather than an uncaught error: an unreadable body is the caller's fault
 * (400), and a body left unread is drained before the answer goes (see drain).
 */
export async function answerSafely(
  req: Request,
  what: string,
  handler: () => Promise<Response>,
): Promise<Response> {
  let res: Response;
  try {
    res = await handler();
  } catch (err) {
    // Reading the body is the only thing here that fails for reasons outside the room.
    if (isClientGone(err)) {
      return fail(400, "bad_request", "The request body could not be read.");
    }
    console.error(`${what}: request failed: ${(err as Error)?.message ?? err}`);
    return fail(500, "internal", "Something went wrong in the room.");
  }
  if (!req.bodyUsed && req.body) await drain(req.body);
  return res;
}

/** Most bytes of an unwanted body a room reads and throws away before giving up on it. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * Reads and discards a body the handler refused without reading (405, 413 by content-length).
 * PartyKit's worker streams the body into the room; answering while it still streams makes that
 * worker fail with "Can't read from request stream after response has been sent", uncaught.
 * Chunks are dropped as they come, so a big body costs time, not memory.
 */
async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > MAX_DRAIN_BYTES) break;
    }
    await reader.cancel();
  } catch {
    // The caller hung up mid-body: nothing left to drain.
  }
}

/** Whether an error is the peer going away (network lost, aborted, body stream broken). */
export function isClientGone(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return /network connection lost|disconnected|\babort|body stream|body has already been used/i.test(m);
}

/** Longest upgrade URL a party accepts: a room token is about 500 characters. */
const MAX_UPGRADE_URL = 1_200;
/** partysocket's connection id (`_pk`): a UUID; it becomes a runtime tag, which allows 256. */
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Refuses an upgrade whose URL the runtime cannot keep: hibernation stores the URL and the
 * connection id with each socket (2 KiB in all) and tags the socket with its id, so an oversized
 * URL or an odd `_pk` would fail inside PartyKit as an uncaught error instead of a clear 4xx.
 */
export function upgradeShapeRefusal(req: Request): Response | undefined {
  if (req.url.length > MAX_UPGRADE_URL) {
    return fail(414, "url_too_long", "This address is too long to open a room.");
  }
  const pk = new URL(req.url).searchParams.getAll("_pk");
  if (pk.length > 1 || (pk.length === 1 && pk[0] !== "" && !CONNECTION_ID.test(pk[0]))) {
    return fail(400, "bad_connection_id", "The connection id (_pk) must be 1-64 letters, digits, - or _.");
  }
  return undefined;
}
