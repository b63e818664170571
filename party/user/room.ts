// UserInbox: one room per account (`/parties/user/<userId>`), the live line to every open tab of
// that person. The web stores DMs and call history and POSTs signed `deliver` requests here; the
// room fans them out. Tabs only listen (and ping): nothing a browser sends can reach anyone else.
import type * as Party from "partykit/server";
import { INBOX_CLOSE, InboxCommand, type InboxEvent } from "../../lib/protocol/dm.ts";
import { verifyRoomToken } from "../../lib/protocol/token.ts";
import { type PartyConfig, readConfig } from "../shared/config.ts";
import { admitConnection, admitRequest, fail, json, refused } from "../shared/http.ts";
import type { AnswerInputOf } from "../../lib/protocol/contract.ts";
import { inboxDeliver } from "../../lib/protocol/internal_api.ts";
import { readSigned } from "../../lib/protocol/signed_reader.ts";
import { CLOSE_TOO_BIG, type ConnLimits, type InboundRules, type Message, receive } from "../shared/inbound.ts";
import { answerSafely, closeQuietly, sendText, upgradeShapeRefusal } from "../shared/socket.ts";

/** Tabs, installed apps and devices of one person at once. */
const MAX_CONNECTIONS = 20;
/**
 * How the room reads a message (party/shared/inbound.ts). Pings are the only thing a tab sends;
 * the rule is far above any honest keep-alive.
 */
const INBOX_INBOUND: InboundRules<InboxCommand> = {
  schema: InboxCommand,
  rule: { rate: 1, burst: 10 },
  strikes: 20,
  close: { tooBig: CLOSE_TOO_BIG, flood: INBOX_CLOSE.flood },
  noun: "inbox command",
  malformed: 'An inbox only accepts {"type":"ping"}.',
  echoRef: false,
};
const MAX_BODY_BYTES = 64 * 1024;
const TOKEN_SLACK_MS = 30_000;

type ConnState = ConnLimits;

export default class UserInbox implements Party.Server {
  /** Tabs sit idle for hours between deliveries: hibernating, they cost nothing meanwhile. */
  readonly options: Party.ServerOptions = { hibernate: true };
  readonly config: PartyConfig;

  constructor(readonly room: Party.Room) {
    this.config = readConfig(room.env);
  }

  static onBeforeConnect(partyReq: Party.Request, lobby: Party.Lobby) {
    const odd = upgradeShapeRefusal(partyReq as unknown as Request);
    if (odd) return odd;
    return admitConnection(partyReq, lobby, {
      aud: "user",
      what: "open this inbox",
      code: "unauthorized",
      check: (claims) => {
        if (claims.sub !== `u:${lobby.id}`) throw new Error("this inbox belongs to someone else");
      },
    });
  }

  /** Unsigned POSTs and other methods are refused before the room wakes (see admitRequest). */
  static onBeforeRequest(partyReq: Party.Request, lobby: Party.Lobby) {
    return admitRequest(partyReq, lobby, { maxBytes: MAX_BODY_BYTES });
  }

  async onConnect(conn: Party.Connection<ConnState>, ctx: Party.ConnectionContext) {
    try {
      const token = new URL(ctx.request.url).searchParams.get("token") ?? "";
      const claims = await verifyRoomToken(this.config.roomSecret, token, {
        aud: "user",
        room: this.room.id,
      }, Date.now() - TOKEN_SLACK_MS);
      if (claims.sub !== `u:${this.room.id}`) throw new Error("this inbox belongs to someone else");
    } catch (err) {
      return closeQuietly(
        conn,
        INBOX_CLOSE.unauthorized,
        `Cannot open this inbox: ${(err as Error).message}.`,
      );
    }
    if ([...this.room.getConnections()].length > MAX_CONNECTIONS) {
      return closeQuietly(conn, INBOX_CLOSE.tooManyConnections, "Too many open tabs: close one first.");
    }
    conn.setState({ buckets: {}, strikes: 0 });
    this.#send(conn, { type: "hello", userId: this.room.id });
  }

  onMessage(message: Message, conn: Party.Connection<ConnState>) {
    if (receive<InboxCommand, ConnState>(conn, message, INBOX_INBOUND, { now: Date.now() })) {
      this.#send(conn, { type: "pong" });
    }
  }

  onClose(conn: Party.Connection) {
    // Completes the closing handshake: without it the browser waits for the close frame.
    closeQuietly(conn);
  }

  onError(conn: Party.Connection) {
    closeQuietly(conn);
  }

  onRequest(partyReq: Party.Request) {
    const req = partyReq as unknown as Request;
    return answerSafely(req, `inbox ${this.room.id}`, () => this.#deliver(req));
  }

  async #deliver(req: Request): Promise<Response> {
    if (req.method !== "POST") return fail(405, "method_not_allowed", "Use a signed POST.");
    const read = await readSigned(inboxDeliver, req, { secret: this.config.serverSecret, maxBytes: MAX_BODY_BYTES });
    if (!read.ok) return refused(read.refusal);
    let delivered = 0;
    for (const conn of this.room.getConnections()) {
      if (!conn.state) continue; // still being verified
      let reached = true;
      for (const e of read.data.events) reached = this.#send(conn, e) && reached;
      if (reached) delivered++;
    }
    return json({ ok: true, delivered } satisfies AnswerInputOf<typeof inboxDeliver>);
  }

  #send(conn: Party.Connection, event: InboxEvent) {
    return sendText(conn, JSON.stringify(event));
  }
}

UserInbox satisfies Party.Worker;
