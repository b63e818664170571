// The signalling WebSocket: `/ws?token=<room token>`. Identity and room come from the token only;
// every frame is parsed by the shared protocol schema, answered by id, and rate-limited.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { MAX_MESSAGE_BYTES } from "../lib/protocol/defaults.ts";
import { SfuCloseCode, SfuRequest, SfuRoomName, type SfuServerMessage } from "../lib/protocol/sfu.ts";
import { verifyRoomToken } from "../lib/protocol/token.ts";
import { SfuError } from "./errors.ts";
import { SfuPeer } from "./peer.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { SfuRoom } from "./room.ts";

export type SignallingDeps = { roomSecret: string; roomFor(name: string): SfuRoom };

/** A joining browser sends about a dozen requests at once, then a few per minute. */
const RATE = { burst: 60, perSecond: 20, refusalsBeforeClose: 100 } as const;
const PING_MS = 25_000;

export class Signalling {
  #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  #deps: SignallingDeps;
  #ping: NodeJS.Timeout;

  constructor(deps: SignallingDeps) {
    this.#deps = deps;
    // A peer whose network vanished never sends a close; without pings its producers would linger.
    this.#ping = setInterval(() => {
      for (const ws of this.#wss.clients) {
        if ((ws as WebSocket & { alive?: boolean }).alive === false) ws.terminate();
        else {
          (ws as WebSocket & { alive?: boolean }).alive = false;
          ws.ping();
        }
      }
    }, PING_MS);
    this.#ping.unref();
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? "/", "http://sfu");
    if (url.pathname !== "/ws") return refuse(404, "Not Found");
    let room: string;
    let sub: string;
    try {
      const claims = await verifyRoomToken(this.#deps.roomSecret, url.searchParams.get("token") ?? "", { aud: "sfu" });
      room = SfuRoomName.parse(claims.room);
      sub = claims.sub;
    } catch {
      return refuse(401, "Unauthorized");
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, room, sub));
  }

  #accept(ws: WebSocket, roomName: string, sub: string): void {
    const send = (msg: SfuServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const room = this.#deps.roomFor(roomName);
    const peer = SfuPeer.create(room, sub, { send, kick: (code, reason) => ws.close(code, reason) });
    try {
      room.addPeer(peer)?.close({ code: SfuCloseCode.replaced, reason: "connected again elsewhere" });
    } catch (err) {
      const e = err instanceof SfuError ? err : new SfuError("internal", String(err));
      send({ type: "error", id: null, code: e.code, message: e.message });
      ws.close(e.code === "room_full" ? SfuCloseCode.roomFull : 1011, e.message);
      return;
    }
    const bucket = new TokenBucket(RATE.burst, RATE.perSecond);
    let refusals = 0;
    (ws as WebSocket & { alive?: boolean }).alive = true;
    ws.on("pong", () => ((ws as WebSocket & { alive?: boolean }).alive = true));
    ws.on("close", () => peer.close());
    ws.on("error", () => peer.close());
    ws.on("message", (data, isBinary) => {
      if (bucket.take()) refusals = 0;
      else {
        // Only a sustained flood is cut off; a client that slows down keeps its socket.
        if (++refusals > RATE.refusalsBeforeClose) ws.close(SfuCloseCode.rateLimited, "too many requests");
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
          if (!(err instanceof SfuError)) console.error(`sfu: ${req.type} failed:`, err);
          send({ type: "error", id: req.id, code: e.code, message: e.message });
        },
      );
    });
  }

  close(): void {
    clearInterval(this.#ping);
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
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
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}
