// AudienceShard: one audience shard of a Space (room `<spaceId>.<n>`), where listeners connect so
// that the Space room (party/space/room.ts) holds only people with a part to play. The Space room stays
// the authority: it sends every delta here once and the shard fans it out; a listener's commands go
// up as theirs (identity from their token); their reactions go up summed, with the shard's count, at
// most every 250 ms. The shard refuses the removed and the blocked itself, and closes a listener the
// room removes. Hibernates: the Space as listeners see it, bans and pending reactions are in storage.
// Longer than 300 lines on purpose: it is the one Party.Server class of a shard; its handlers share
// the private state of presence, bans and pending reactions.
import type * as Party from "partykit/server";
import { SPACE_CLOSE, type SpaceCommand, SpaceErrorCode, type SpaceEvent } from "../../lib/protocol/space.ts";
import {
  parseAudienceRoom,
  SHARD_REPORT_EVERY_MS,
  type ShardDelivery,
  type ShardToRoom,
} from "../../lib/protocol/space_audience.ts";
import { type RoomTokenClaims, verifyRoomToken } from "../../lib/protocol/token.ts";
import type { AnswerOf, AnyContract, ParamsOf, RequestOf } from "../../lib/protocol/contract.ts";
import { roomToShard, shardCommand, shardHello, shardReport } from "../../lib/protocol/internal_api.ts";
import { callSigned, type SignedResult } from "../../lib/protocol/signed_client.ts";
import { readSigned } from "../../lib/protocol/signed_reader.ts";
import { admitConnection, admitRequest, fail, json, refused } from "../shared/http.ts";
import { answerSafely, broadcastText, closeQuietly, sendText, upgradeShapeRefusal } from "../shared/socket.ts";
import { clientAddress, type PartyConfig, readConfig, roomIdOf } from "../shared/config.ts";
import { type ConnLimits, SPACE_INBOUND, spaceLimits } from "../space/inbound.ts";
import { type Message, receive } from "../shared/inbound.ts";
import { Presence } from "../space/presence.ts";
import { type Actor, isAnonymous, person } from "../space/state.ts";
import type { RoomStorage } from "../space/store.ts";
import { foldSpaceEvent, type SpaceView } from "../../lib/protocol/space_view.ts";
import { LISTENER_SAMPLE, type Person } from "../../lib/protocol/space.ts";

/** What the Space room answered a listener's command or a report (or its refusal). */
type RoomAnswer = { ok?: boolean; code?: SpaceErrorCode; message?: string } | null;

interface ConnState extends ConnLimits {
  actor: Actor;
  address: string | null;
  gone?: true;
  /** This listener said their audio is reconnecting (mediaState); counted in the report. */
  reconnecting?: boolean;
}
type Conn = Party.Connection<ConnState>;

/** The Space as this shard's listeners see it, and the last delta folded in. */
interface Stored {
  view: SpaceView;
  seq: number;
}
/** Reactions not yet reported, and whether the count changed since the last report. */
interface Pending {
  reactions: Record<string, number>;
  due?: number;
}

const TOKEN_SLACK_MS = 30_000;
const TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export default class AudienceShard implements Party.Server {
  readonly options: Party.ServerOptions = { hibernate: true };
  readonly config: PartyConfig;
  readonly storage: RoomStorage & AlarmStorage;
  readonly #presence = new Presence();
  #id: string | undefined;
  /** Whether the id is in storage: it goes there with the first thing the shard keeps (#keepId). */
  #idKept = false;
  #stored: Stored | undefined;
  #removed = new Set<string>();
  #pending: Pending = { reactions: {} };
  /** The hello in flight: deliveries that come meanwhile wait for it. */
  #hello: Promise<Stored | Response> | undefined;
  #early: ShardDelivery[] = [];

  constructor(readonly room: Party.Room) {
    this.storage = room.storage as unknown as RoomStorage & AlarmStorage;
    this.config = readConfig(room.env);
  }

  static onBeforeConnect(partyReq: Party.Request, lobby: Party.Lobby) {
    const odd = upgradeShapeRefusal(partyReq as unknown as Request);
    if (odd) return odd;
    if (!parseAudienceRoom(lobby.id)) {
      return json({ code: "not_found", message: "No such audience shard: a shard is <spaceId>.<0-99>." }, 404);
    }
    return admitConnection(partyReq, lobby, { aud: "audience", what: "listen to this Space" });
  }

  /** Unsigned POSTs and other methods are refused before the room wakes (see admitRequest). */
  static onBeforeRequest(partyReq: Party.Request, lobby: Party.Lobby) {
    return admitRequest(partyReq, lobby, { maxBytes: MAX_BODY_BYTES });
  }

  async onStart() {
    const [id, stored, pending, bans] = await Promise.all([
      this.storage.get<string>("id"),
      this.storage.get<Stored>("view"),
      this.storage.get<Pending>("pending"),
      this.storage.list<true>({ prefix: "ban:" }),
    ]);
    this.#id = id;
    this.#idKept = id !== undefined;
    this.#stored = stored;
    this.#pending = pending ?? { reactions: {} };
    for (const key of bans.keys()) this.#removed.add(key.slice(4));
    for (const c of this.room.getConnections<ConnState>()) {
      const st = c.state;
      if (st?.actor && !st.gone) this.#presence.add(st.actor.sub, c.id, st.address);
    }
  }

  /**
   * An alarm-woken object cannot read room.id, nor can anything while an alarm is handled: the
   * first request or connection tells it, from its URL when room.id throws. Only remembered here:
   * a request or socket that is then refused must leave nothing in storage (see #keepId).
   */
  #learnId(request?: Request): string {
    if (!this.#id) {
      const id = request ? roomIdOf(this.room, request) : this.room.id;
      if (!id) throw new Error("this shard's room id is not known yet");
      this.#id = id;
    }
    return this.#id;
  }

  /**
   * Stores the id beside the first thing the shard keeps (its view, a ban, a pending report), so
   * that the alarm, which cannot read room.id, knows it. Everything stored comes after a signed
   * request or a verified listener, so a made-up shard id costs no storage.
   */
  #keepId() {
    if (this.#idKept || !this.#id) return;
    this.#idKept = true;
    this.storage.put("id", this.#id).catch((err) => console.error(`audience shard ${this.#id}: id not stored: ${err}`));
  }

  get #space() {
    return parseAudienceRoom(this.#id ?? this.room.id)!;
  }

  async onConnect(conn: Conn, ctx: Party.ConnectionContext) {
    let claims: RoomTokenClaims;
    try {
      const room = this.#learnId(ctx.request);
      const token = new URL(ctx.request.url).searchParams.get("token") ?? "";
      claims = await verifyRoomToken(
        this.config.roomSecret,
        token,
        { aud: "audience", room },
        Date.now() - TOKEN_SLACK_MS,
      );
    } catch (err) {
      return closeQuietly(conn, SPACE_CLOSE.badToken, `Cannot listen to this Space: ${(err as Error).message}.`);
    }
    const stored = await this.#ensureView();
    if (!stored) return closeQuietly(conn, SPACE_CLOSE.notFound, "This Space does not exist.");
    const actor = person(claims);
    if (this.#removed.has(actor.sub)) {
      const message = "You were removed from this Space.";
      this.#send(conn, { type: "removed", message });
      return closeQuietly(conn, SPACE_CLOSE.removed, message);
    }
    const address = clientAddress(this.config, ctx.request);
    const refusal = this.#presence.refusal(actor.sub, address);
    if (refusal) return closeQuietly(conn, SPACE_CLOSE.tooManyConnections, refusal);
    conn.setState({ actor, address, buckets: {}, strikes: 0 });
    this.#presence.add(actor.sub, conn.id, address);
    this.#send(conn, this.#syncFor(stored.view, actor));
    if (stored.view.space.status === "ended") return closeQuietly(conn, SPACE_CLOSE.ended, "This Space has ended.");
    this.#countChanged();
  }

  /** The listener's own sync: the shard's view with their `you` in it. */
  #syncFor(view: SpaceView, actor: Actor): SpaceEvent {
    const seat = view.stage.find((m) => m.sub === actor.sub);
    return {
      type: "sync",
      ...view,
      you: {
        ...person(actor),
        role: seat?.role ?? "listener",
        anonymous: isAnonymous(actor.sub),
        handRaised: view.hands.some((h) => h.sub === actor.sub),
        invited: view.invited.includes(actor.sub),
      },
    };
  }

  /** The Space as listeners see it: from storage, or asked of the Space room once. */
  async #ensureView(): Promise<Stored | undefined> {
    if (this.#stored) return this.#stored;
    this.#hello ??= this.#sayHello();
    const got = await this.#hello;
    if (got instanceof Response) {
      this.#hello = undefined;
      return undefined;
    }
    return got;
  }

  async #sayHello(): Promise<Stored | Response> {
    const res = await this.#call(shardHello, { type: "shardHello", shard: this.#space.shard });
    if (!res.ok || res.data.sync.type !== "sync") {
      return fail(404, "not_found", "This Space does not exist.");
    }
    const { type: _, ...view } = res.data.sync;
    const stored: Stored = { view, seq: res.data.seq };
    this.#stored = stored;
    for (const sub of res.data.removed) this.#ban(sub);
    // Deltas that overtook the welcome: the ones it does not include are passed on now.
    const early = this.#early;
    this.#early = [];
    this.#deliver(early);
    this.#save();
    return stored;
  }

  onMessage(message: Message, conn: Conn) {
    const read = receive<SpaceCommand, ConnState>(conn, message, SPACE_INBOUND, {
      now: Date.now(),
      limit: spaceLimits(this.#presence.limits, conn.state?.actor.sub ?? ""),
    });
    if (!read) return;
    const st = read.state;
    if (this.#stored?.view.space.status === "ended") {
      return this.#error(conn, "ended", "This Space has ended.", read.ref);
    }
    if (read.cmd.type === "mediaState") {
      if (!!st.reconnecting === read.cmd.reconnecting) return;
      conn.setState({ ...(conn.state ?? st), reconnecting: read.cmd.reconnecting });
      return this.#countChanged();
    }
    if (read.cmd.type === "react") {
      const r = this.#pending.reactions;
      r[read.cmd.emoji] = (r[read.cmd.emoji] ?? 0) + 1;
      return this.#schedule();
    }
    // Everything else is the Space room's to decide, as this listener.
    return this.#askRoom({ type: "shardCommand", shard: this.#space.shard, actor: st.actor, command: read.cmd })
      .then((res) => {
        const body = res.body;
        if (res.ok && body?.ok) return;
        const code = body?.code ?? "not_found";
        this.#error(conn, code, body?.message ?? "The Space room could not be reached: try again.", read.ref);
      });
  }

  onClose(conn: Conn) {
    closeQuietly(conn);
    const st = conn.state;
    if (!st?.actor || st.gone) return;
    try {
      conn.setState({ ...st, gone: true });
    } catch { /* the runtime already dropped it */ }
    this.#presence.remove(st.actor.sub, conn.id, st.address);
    this.#countChanged();
  }

  onError(conn: Conn) {
    this.onClose(conn);
  }

  onRequest(partyReq: Party.Request) {
    const req = partyReq as unknown as Request;
    return answerSafely(req, `audience shard ${this.#id ?? roomIdOf(this.room, req)}`, async () => {
      this.#learnId(req);
      if (req.method !== "POST") {
        return fail(405, "method_not_allowed", "A shard takes its Space room's signed POSTs only.");
      }
      const read = await readSigned(roomToShard, req, { secret: this.config.serverSecret, maxBytes: MAX_BODY_BYTES });
      if (!read.ok) return refused(read.refusal);
      if (!this.#stored) {
        // A hello is on its way back: these wait for it. Otherwise this shard never said hello.
        if (!this.#hello) return fail(409, "no_hello", "This shard has no Space yet.");
        this.#early.push(...read.data.deliveries);
        return json({ ok: true });
      }
      this.#deliver(read.data.deliveries);
      this.#save();
      return json({ ok: true });
    });
  }

  /** Passes deltas on in order, once each: to everyone, or to one person's connections. */
  #deliver(deliveries: ShardDelivery[]) {
    const stored = this.#stored!;
    for (const d of deliveries) {
      if (d.seq <= stored.seq) continue;
      stored.seq = d.seq;
      if (d.to === "all") {
        stored.view = foldSpaceEvent(stored.view, d.event);
        broadcastText(this.room, JSON.stringify(d.event));
        if (d.event.type === "ended") {
          for (const c of this.room.getConnections()) closeQuietly(c, SPACE_CLOSE.ended, "This Space has ended.");
        }
        continue;
      }
      if (d.event.type === "removed") this.#ban(d.to);
      for (const id of [...this.#presence.connectionsOf(d.to)]) {
        for (const c of this.room.getConnections(id)) {
          this.#send(c, d.event);
          if (d.event.type === "removed") closeQuietly(c, SPACE_CLOSE.removed, d.event.message);
        }
      }
    }
  }

  #ban(sub: string) {
    if (this.#removed.has(sub)) return;
    this.#removed.add(sub);
    this.#keepId();
    this.storage.put(`ban:${sub}`, true).catch((err) =>
      console.error(`audience shard ${this.#id}: ban not stored: ${err}`)
    );
  }

  #save() {
    this.#keepId();
    this.storage.put("view", this.#stored).catch((err) =>
      console.error(`audience shard ${this.#id}: view not stored: ${err}`)
    );
  }

  #countChanged() {
    this.#schedule();
  }

  /** One report due within SHARD_REPORT_EVERY_MS, as an alarm (a setTimeout dies with the object). */
  #schedule() {
    const fresh = this.#pending.due === undefined;
    if (fresh) this.#pending.due = Date.now() + SHARD_REPORT_EVERY_MS;
    const done = (err: unknown) => console.error(`audience shard ${this.#id}: report not scheduled: ${err}`);
    this.#keepId();
    this.storage.put("pending", this.#pending).catch(done);
    if (fresh) this.storage.setAlarm(this.#pending.due!).catch(done);
  }

  async onAlarm() {
    if (!this.#id) return;
    const reactions = this.#pending.reactions;
    this.#pending = { reactions: {} };
    await this.storage.put("pending", this.#pending);
    const listeners: Person[] = [];
    const seen = new Set<string>();
    const troubled = new Set<string>();
    for (const c of this.room.getConnections<ConnState>()) {
      const a = c.state?.actor;
      if (a && !c.state?.gone && c.state?.reconnecting) troubled.add(a.sub);
    }
    for (const c of this.room.getConnections<ConnState>()) {
      const a = c.state?.actor;
      if (!a || c.state?.gone || isAnonymous(a.sub) || seen.has(a.sub)) continue;
      seen.add(a.sub);
      listeners.push(person(a));
      if (listeners.length >= LISTENER_SAMPLE) break;
    }
    const count = this.#presence.listeners([]);
    const res = await this.#askRoom({
      type: "shardReport",
      shard: this.#space.shard,
      count,
      listeners,
      reactions,
      reconnecting: troubled.size,
    });
    if (!res.ok) console.warn(`audience shard ${this.#id}: report refused (${res.status})`);
  }

  /**
   * A listener's command or the shard's report, signed to this shard's Space room: its status, and
   * its answer as checked by the request's contract, or the room's refusal (a code a listener's
   * error may carry, else none); never throws.
   */
  async #askRoom(
    body: Exclude<ShardToRoom, { type: "shardHello" }>,
  ): Promise<{ ok: boolean; status: number; body: RoomAnswer }> {
    const res = body.type === "shardCommand"
      ? await this.#call(shardCommand, body)
      : await this.#call(shardReport, body);
    if (res.ok) return { ok: true, status: res.status, body: res.data };
    const refusal = res.error.refusal;
    const code = SpaceErrorCode.safeParse(refusal?.code);
    const answer = refusal ? { ok: false, message: refusal.message, ...(code.success && { code: code.data }) } : null;
    return { ok: false, status: res.error.status, body: answer };
  }

  /** A signed POST to this shard's Space room, by its contract (never throws). */
  async #call<C extends AnyContract & { path: (p: { spaceId: string }) => string }>(
    c: C,
    body: RequestOf<C>,
  ): Promise<SignedResult<AnswerOf<C>>> {
    const params: ParamsOf<C> = { spaceId: this.#space.spaceId };
    const res = await callSigned(c, {
      secret: this.config.serverSecret,
      to: this.config.partyUrl,
      params,
      body,
      timeoutMs: TIMEOUT_MS,
    });
    if (!res.ok && res.error.code === "unreachable") {
      console.warn(`audience shard ${this.#id}: ${c.name} failed: ${res.error.message}`);
    }
    return res;
  }

  #send(conn: Party.Connection, event: SpaceEvent) {
    sendText(conn, JSON.stringify(event));
  }

  #error(conn: Party.Connection, code: SpaceErrorCode, message: string, ref?: string) {
    this.#send(conn, { type: "error", code, message, ...(ref !== undefined && { ref }) });
  }
}

interface AlarmStorage {
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

AudienceShard satisfies Party.Worker;
