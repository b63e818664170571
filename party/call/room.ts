// CallRoom: the PartyKit server that is the authority on one 1:1 call. It does the I/O around the
// pure state machine (party/call/reducer.ts): checks tokens and Origin, lets in only the caller
// and the callee, validates every message, keeps presence and the clock (an alarm survives
// eviction), persists, and tells the web (history, busy lines) and the SFU (close media) what
// happened. Identity comes from the verified token, never from a message.
import type * as Party from "partykit/server";
import {
  CALL_CLOSE,
  CallCommand,
  type CallErrorCode,
  type CallEvent,
  type CallKey,
  type CallRole,
  isFinal,
} from "../../lib/protocol/call.ts";
import { verifyRoomToken } from "../../lib/protocol/token.ts";
import { CALL_MAX_BODY_BYTES, type CallRoomHandle, handleCallRequest } from "./http.ts";
import { apply, type CallState, counts, expire, nextDeadline, presence, roleOf, view } from "./reducer.ts";
import { type PartyConfig, readConfig } from "../shared/config.ts";
import { admitConnection, admitRequest } from "../shared/http.ts";
import { answerSafely, closeQuietly, sendText, upgradeShapeRefusal } from "../shared/socket.ts";
import { CLOSE_TOO_BIG, type ConnLimits, type InboundRules, type Message, receive } from "../shared/inbound.ts";
import { postSigned } from "../shared/post.ts";
import { callReport, sfuClose } from "../../lib/protocol/internal_api.ts";

interface ConnState extends ConnLimits {
  role: CallRole;
}
type Conn = Party.Connection<ConnState>;

/** Two people with a few tabs or devices each. */
const MAX_CONNECTIONS = 10;
/** How the room reads a message (party/shared/inbound.ts): its schema, limit and close codes. */
const CALL_INBOUND: InboundRules<CallCommand> = {
  schema: CallCommand,
  rule: { rate: 2, burst: 10 },
  strikes: 20,
  close: { tooBig: CLOSE_TOO_BIG, flood: CALL_CLOSE.flood },
  noun: "call command",
  echoRef: true,
};
const TOKEN_SLACK_MS = 30_000;
const STORAGE_KEY = "call";
/** Each side's last public key part (end-to-end encryption): public values only. */
const KEYS_KEY = "keys";
type Keys = Partial<Record<CallRole, CallKey>>;

/**
 * The part of Durable Object storage this room uses, typed here so that Deno can check the room
 * without Cloudflare's type package.
 */
interface CallStorage {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

export default class CallRoom implements Party.Server, CallRoomHandle {
  /** Like the Space room: nothing lives only in memory, and a hang-up costs no runtime error. */
  readonly options: Party.ServerOptions = { hibernate: true };
  readonly config: PartyConfig;
  state: CallState | undefined;
  keys: Keys = {};
  readonly #storage: CallStorage;

  constructor(readonly room: Party.Room) {
    this.config = readConfig(room.env);
    this.#storage = room.storage as unknown as CallStorage;
  }

  /**
   * The room's id. PartyKit learns it only from a request URL, so an object woken by an alarm
   * (expire) throws on `room.id` for as long as it lives; a call's state carries the same id.
   */
  get id(): string {
    return this.state?.callId ?? this.room.id;
  }

  static onBeforeConnect(partyReq: Party.Request, lobby: Party.Lobby) {
    const odd = upgradeShapeRefusal(partyReq as unknown as Request);
    if (odd) return odd;
    return admitConnection(partyReq, lobby, { aud: "call", what: "join this call" });
  }

  /** Unsigned POSTs and other methods are refused before the room wakes (see admitRequest). */
  static onBeforeRequest(partyReq: Party.Request, lobby: Party.Lobby) {
    return admitRequest(partyReq, lobby, { maxBytes: CALL_MAX_BODY_BYTES });
  }

  async onStart() {
    this.state = await this.#storage.get<CallState>(STORAGE_KEY);
    this.keys = (await this.#storage.get<Keys>(KEYS_KEY)) ?? {};
  }

  async onConnect(conn: Conn, ctx: Party.ConnectionContext) {
    let sub: string;
    try {
      const token = new URL(ctx.request.url).searchParams.get("token") ?? "";
      sub = (await verifyRoomToken(
        this.config.roomSecret,
        token,
        { aud: "call", room: this.id },
        Date.now() - TOKEN_SLACK_MS,
      )).sub;
    } catch (err) {
      return closeQuietly(
        conn,
        CALL_CLOSE.unauthorized,
        `Cannot join this call: ${(err as Error).message}.`,
      );
    }
    const s = this.state;
    if (!s) return closeQuietly(conn, CALL_CLOSE.notFound, "This call does not exist.");
    const role = roleOf(s, sub);
    if (!role) return closeQuietly(conn, CALL_CLOSE.notParty, "This call is between two other people.");
    if ([...this.room.getConnections()].length > MAX_CONNECTIONS) {
      return closeQuietly(conn, CALL_CLOSE.tooManyConnections, "Too many open connections to this call.");
    }
    conn.setState({ role, buckets: {}, strikes: 0 });
    this.#send(conn, {
      type: "sync",
      call: view(s),
      you: role,
      answeredHere: s.answeredBy === conn.id,
    });
    if (isFinal(s.status)) return closeQuietly(conn, CALL_CLOSE.ended, `This call is over (${s.status}).`);
    const theirs = this.keys[role === "caller" ? "callee" : "caller"];
    if (theirs) this.#send(conn, { type: "key", key: theirs });
    if (counts(s, role, conn.id)) this.commit(presence(s, role, true, Date.now()));
  }

  onMessage(message: Message, conn: Conn) {
    const now = Date.now();
    const got = receive<CallCommand, ConnState>(conn, message, CALL_INBOUND, { now });
    if (!got || !this.state) return;
    if (got.cmd.type === "key") return this.#relayKey(conn, got.cmd, got.ref);
    const result = apply(this.state, got.cmd, got.state.role, conn.id, now);
    if (!result.ok) return this.#error(conn, result.code, result.message, got.ref);
    this.commit(result.state);
  }

  onClose(conn: Conn) {
    // Completes the closing handshake: without it the browser waits for the close frame.
    closeQuietly(conn);
    const s = this.state;
    const role = conn.state?.role;
    if (!s || !role || isFinal(s.status)) return;
    const stillHere = [...this.room.getConnections<ConnState>()].some((c) =>
      c.id !== conn.id && c.state?.role === role && counts(s, role, c.id)
    );
    if (!stillHere) this.commit(presence(s, role, false, Date.now()));
  }

  onError(conn: Conn) {
    this.onClose(conn);
  }

  onAlarm() {
    if (this.state) this.commit(expire(this.state, Date.now()));
  }

  onRequest(partyReq: Party.Request) {
    const req = partyReq as unknown as Request;
    return answerSafely(req, `call ${this.id}`, () => handleCallRequest(this, req));
  }

  /** Makes `next` the state: stores it, re-arms the clock, and tells everyone who needs to know. */
  commit(next: CallState) {
    const prev = this.state;
    if (next === prev) return;
    this.state = next;
    this.#storage.put(STORAGE_KEY, next).catch((err) => console.error(`call ${this.id}: save failed: ${err}`));
    const due = nextDeadline(next);
    (due === null ? this.#storage.deleteAlarm() : this.#storage.setAlarm(due))
      .catch((err) => console.error(`call ${this.id}: alarm failed: ${err}`));
    if (prev?.status === next.status) return;
    const v = view(next);
    for (const c of this.room.getConnections<ConnState>()) {
      if (!c.state) continue;
      this.#send(c, { type: "status", call: v, answeredHere: next.answeredBy === c.id });
      if (isFinal(next.status)) closeQuietly(c, CALL_CLOSE.ended, `This call is over (${next.status}).`);
    }
    // Best effort, never blocking the people in the call; postSigned retries and logs.
    void postSigned(this.config.serverSecret, callReport, this.config.webUrl, { callId: next.callId }, {
      type: "callChanged",
      call: v,
    });
    // Both people's pages connect to the SFU while it rings (held there until the answer): any end
    // closes that room, answered or not.
    if (isFinal(next.status) && prev && !isFinal(prev.status)) {
      void postSigned(this.config.serverSecret, sfuClose, this.config.sfuUrl, undefined, { room: `c_${next.callId}` });
    }
  }

  /**
   * A device's public key part, kept and passed to the other side's connections. The callee's
   * counts only from the connection that answered, once it has: a second tab of theirs could
   * otherwise re-key the call under the person talking.
   */
  #relayKey(conn: Conn, cmd: Extract<CallCommand, { type: "key" }>, ref?: string) {
    const s = this.state!;
    const role = conn.state!.role;
    if (isFinal(s.status)) return this.#error(conn, "wrong_state", `This call is ${s.status}.`, ref);
    if (role === "callee" && (s.status !== "accepted" || s.answeredBy !== conn.id)) {
      return this.#error(conn, "not_allowed", "Only the device that answered sends the callee's key.", ref);
    }
    if (cmd.e2ee !== (cmd.pub !== undefined && cmd.nonce !== undefined)) {
      return this.#error(conn, "bad_message", "A key has a public key and a nonce exactly when e2ee is true.", ref);
    }
    const { type: _t, ref: _r, ...parts } = cmd;
    const key: CallKey = { from: role, ...parts };
    this.keys = { ...this.keys, [role]: key };
    this.#storage.put(KEYS_KEY, this.keys).catch((err) => console.error(`call ${this.id}: save failed: ${err}`));
    for (const c of this.room.getConnections<ConnState>()) {
      if (c.state && c.state.role !== role) this.#send(c, { type: "key", key });
    }
  }

  #send(conn: Party.Connection, event: CallEvent) {
    sendText(conn, JSON.stringify(event));
  }

  #error(conn: Party.Connection, code: CallErrorCode, message: string, ref?: string) {
    this.#send(conn, { type: "error", code, message, ...(ref !== undefined && { ref }) });
  }
}

CallRoom satisfies Party.Worker;
