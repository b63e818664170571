// The signalling WebSocket: `/ws?token=<room token>`. Before the upgrade: the page's Origin, the
// token, then the room's word that this person may be in its media (admission.ts); a refusal is
// an HTTP answer and no room or peer object is ever made for it. Identity and room come from the
// token only; every frame is parsed by the shared protocol schema, answered by id, rate-limited.
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { MAX_MESSAGE_BYTES } from "../lib/protocol/defaults.ts";
import { originAllowed } from "../lib/protocol/origin.ts";
import {
  SFU_WELCOME_MODES,
  SfuCloseCode,
  SfuRequest,
  SfuRoomName,
  type SfuServerMessage,
  type SfuWelcomeMode,
} from "../lib/protocol/sfu.ts";
import { verifyRoomToken } from "../lib/protocol/token.ts";
import type { Admission } from "./admission.ts";
import { SfuError } from "./errors.ts";
import { SfuPeer } from "./peer.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { SfuRoom } from "./room.ts";

export type SignallingDeps = {
  roomSecret: string;
  allowedOrigins: string[];
  admission: Admission;
  roomFor(name: string): SfuRoom;
};

/** A joining browser sends about a dozen requests at once, then a few per minute. */
const RATE = { burst: 60, perSecond: 20, refusalsBeforeClose: 100 } as const;
const PING_MS = 25_000;
/** The `id` of a message that is not a valid request, to answer its error to. */
const RequestIdOnly = z.object({ id: z.number().int().safe() });

type LiveSocket = WebSocket & { alive?: boolean };

/** Closes a socket whatever its state; ws throws on a reason over 123 bytes. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  try {
    ws.close(code, r);
  } catch {
    ws.terminate();
  }
}

export class Signalling {
  #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  #deps: SignallingDeps;
  #ping: NodeJS.Timeout;

  constructor(deps: SignallingDeps) {
    this.#deps = deps;
    // A peer whose network vanished never sends a close; without pings its producers would linger.
    this.#ping = setInterval(() => {
      for (const ws of this.#wss.clients as Set<LiveSocket>) {
        if (ws.alive === false) ws.terminate();
        else {
          ws.alive = false;
          ws.ping(undefined, undefined, () => {});
        }
      }
    }, PING_MS);
    this.#ping.unref();
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sfu");
    if (url.pathname !== "/ws") return refuse(socket, 404, "not_found", "no such path");
    // Before the token: a page on another site learns nothing, not even whether its token is good.
    if (!originAllowed(req.headers.origin ?? null, this.#deps.allowedOrigins)) {
      return refuse(socket, 403, "forbidden_origin", "this page's origin may not open Spazio media");
    }
    let room: string;
    let sub: string;
    try {
      const claims = await verifyRoomToken(this.#deps.roomSecret, url.searchParams.get("token") ?? "", { aud: "sfu" });
      room = SfuRoomName.parse(claims.room);
      sub = claims.sub;
    } catch {
      return refuse(socket, 401, "unauthorized", "the media token is missing, invalid or expired");
    }
    try {
      await this.#deps.admission.admit(room, sub);
    } catch (err) {
      const e = err instanceof SfuError ? err : new SfuError("unavailable", "could not check this person's admission");
      if (!(err instanceof SfuError)) console.error("sfu: admission check failed:", err);
      return refuse(socket, e.status, e.code, e.message);
    }
    // The client may have given up while the room was being asked.
    if (socket.destroyed) return;
    const welcome = url.searchParams.get("welcome");
    this.#wss.handleUpgrade(
      req,
      socket,
      head,
      (ws) => this.#accept(ws, room, sub, SFU_WELCOME_MODES.find((m) => m === welcome) ?? null),
    );
  }

  #accept(ws: WebSocket, roomName: string, sub: string, welcome: SfuWelcomeMode | null): void {
    const send = (msg: SfuServerMessage) => {
      // The callback swallows a write that fails because the client just went away.
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg), () => {});
    };
    // A removal pushed while the room was being asked wins over the answer that let them in.
    if (!this.#deps.admission.stillAdmitted(roomName, sub)) {
      return closeSocket(ws, SfuCloseCode.removed, "removed from this Space");
    }
    const room = this.#deps.roomFor(roomName);
    const peer = SfuPeer.create(room, sub, { send, kick: (code, reason) => closeSocket(ws, code, reason) });
    try {
      room.addPeer(peer)?.close({ code: SfuCloseCode.replaced, reason: "connected again elsewhere" });
    } catch (err) {
      const e = err instanceof SfuError ? err : new SfuError("internal", String(err));
      send({ type: "error", id: null, code: e.code, message: e.message });
      closeSocket(ws, e.code === "room_full" ? SfuCloseCode.roomFull : 1011, e.message);
      return;
    }
    // Asked for in the URL: first in the peer's queue, so a request sent at once comes after it.
    if (welcome) {
      peer.welcome(welcome).catch((err) => {
        const e = err instanceof SfuError ? err : new SfuError("unavailable", "the media server could not welcome you");
        if (!(err instanceof SfuError) && !peer.closed) console.error("sfu: welcome failed:", err);
        send({ type: "error", id: null, code: e.code, message: e.message });
      });
    }
    const bucket = new TokenBucket(RATE.burst, RATE.perSecond);
    let refusals = 0;
    (ws as LiveSocket).alive = true;
    ws.on("pong", () => ((ws as LiveSocket).alive = true));
    ws.on("close", () => peer.close());
    ws.on("error", () => peer.close());
    ws.on("message", (data, isBinary) => {
      if (bucket.take()) refusals = 0;
      else {
        // Only a sustained flood is cut off; a client that slows down keeps its socket.
        if (++refusals > RATE.refusalsBeforeClose) closeSocket(ws, SfuCloseCode.rateLimited, "too many requests");
        else send({ type: "error", id: idOf(data), code: "rate_limited", message: "too many requests; slow down" });
        return;
      }
      const parsed = parseRequest(data, isBinary);
      if (!parsed.ok) return send({ type: "error", id: parsed.id, code: "bad_request", message: parsed.message });
      const req = parsed.req;
      peer.enqueue(req).then(
        (data) => send({ type: "response", id: req.id, data } as SfuServerMessage),
        (err) => {
          const e = err instanceof SfuError ? err : new SfuError("internal", "the media server failed");
          // mediasoup objects closing under a request of a peer that left is no fault.
          if (!(err instanceof SfuError) && !peer.closed) console.error(`sfu: ${req.type} failed:`, err);
          send({ type: "error", id: req.id, code: e.code, message: e.message });
        },
      );
    });
  }

  /** Waits up to `ms` for every socket to finish its closing handshake, then cuts the rest. */
  async close(ms = 0): Promise<void> {
    clearInterval(this.#ping);
    const deadline = Date.now() + ms;
    while (this.#wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

/** An HTTP answer instead of the upgrade, with a JSON reason a client or an operator can read. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ ok: false, code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

type Parsed = { ok: true; req: SfuRequest } | { ok: false; id: number | null; message: string };

function parseRequest(data: unknown, isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, id: null, message: "frames must be JSON text" };
  let raw: unknown;
  try {
    raw = JSON.parse(String(data));
  } catch {
    return { ok: false, id: null, message: "frame is not valid JSON" };
  }
  const result = SfuRequest.safeParse(raw);
  if (result.success) return { ok: true, req: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length ? issue.path.join(".") : "message";
  return { ok: false, id: idOf(raw), message: `${where}: ${issue.message}` };
}

/** The request id when the client sent one, so even a refused frame is answered by id. */
function idOf(raw: unknown): number | null {
  if (Buffer.isBuffer(raw)) {
    try {
      raw = JSON.parse(raw.toString());
    } catch {
      return null;
    }
  }
  const withId = RequestIdOnly.safeParse(raw);
  return withId.success ? withId.data.id : null;
}
