// SpaceRoom: the PartyKit server that is the authority on one live Space.
// It does the I/O around the pure reducer (party/space/reducer.ts): it checks tokens and Origin,
// keeps presence, rate-limits, persists to room storage, sends `sync` then deltas, and tells the
// SFU and the web what changed. Identity always comes from the verified token, never a message.
// Longer than 300 lines on purpose: it is the one Party.Server class, and the reducer, presence,
// limits, inbound reading and lifecycle already live apart; what is left is the I/O of each
// handler, which shares the private state.
import type * as Party from "partykit/server";
import {
  LISTENER_SAMPLE,
  type Person,
  SPACE_CLOSE,
  type SpaceCommand,
  type SpaceErrorCode,
  type SpaceEvent,
  type SpaceEventOf,
} from "../../lib/protocol/space.ts";
import { type RoomTokenClaims, verifyRoomToken } from "../../lib/protocol/token.ts";
import { clientAddress, type PartyConfig, readConfig, roomIdOf } from "../shared/config.ts";
import { admitConnection, admitRequest } from "../shared/http.ts";
import { answerSafely, broadcastText, closeQuietly, sendText, upgradeShapeRefusal } from "../shared/socket.ts";
import { handleSpaceRequest, MAX_BODY_BYTES as SPACE_MAX_BODY_BYTES } from "./http.ts";
import type { SpaceRoomHandle } from "./handle.ts";
import { type ConnLimits, SPACE_INBOUND, spaceLimits } from "./inbound.ts";
import { type Message, receive } from "../shared/inbound.ts";
import type { Bucket } from "../shared/limits.ts";
import type { PersonalRule } from "./limits.ts";
import { seatPlanned } from "./lifecycle.ts";
import { Presence } from "./presence.ts";
import { SpaceOutbound } from "./outbound.ts";
import { commit, decide } from "./reducer.ts";
import { AudienceShards } from "./shards.ts";
import {
  type Actor,
  type Committable,
  kindOf,
  person,
  publicStage,
  seatOf,
  type SpaceState,
  syncFor,
} from "./state.ts";
import { loadSpace, type RoomStorage, saveReport, saveSpace } from "./store.ts";
import { RecordingTimeline } from "./timeline.ts";
import { captionsWanted } from "./captions.ts";

/** Kept in the connection's attachment: who it is (from the token) and its rate-limit buckets. */
interface ConnState extends ConnLimits {
  actor: Actor;
  /** The client's network address where the platform tells it, for per-address limits. */
  address: string | null;
  /** Set once its departure is counted: the runtime may report one socket's end twice (error, close). */
  gone?: true;
  /** This person said their audio is reconnecting (mediaState): counted for the host. */
  reconnecting?: boolean;
  /**
   * This person's (and this address's) cross-connection buckets as this connection last left
   * them, so that a room woken from hibernation takes them back (Presence#limits is in memory).
   */
  personal?: { sub?: PersonalBuckets; addr?: PersonalBuckets };
}
type PersonalBuckets = Partial<Record<PersonalRule, Bucket>>;
type Conn = Party.Connection<ConnState>;

/** Listener counts go out at most this often, so that joins and leaves do not flood everybody. */
const LISTENER_COUNT_EVERY_MS = 500;
/** The web hears about stage and status changes at most this often. */
const WEB_PUSH_EVERY_MS = 1_000;
/** Clock slack between the worker that ran onBeforeConnect and the room. */
const TOKEN_SLACK_MS = 30_000;

/**
 * Work due later (a listener count, the web's state push), kept in storage with one alarm for the
 * earliest: an alarm survives hibernation and eviction, where a setTimeout dies with the object.
 */
interface Due {
  listeners?: number;
  web?: number;
}

export default class SpaceRoom implements Party.Server, SpaceRoomHandle {
  /**
   * Hibernating sockets outlive the object, so an idle Space costs no memory, and (unlike
   * sockets held in memory) closing one does not make workerd log a lost connection per departure.
   * Whatever must survive between messages is in storage or a connection's attachment.
   */
  readonly options: Party.ServerOptions = { hibernate: true };
  readonly config: PartyConfig;
  readonly outbound: SpaceOutbound;
  readonly storage: RoomStorage & AlarmStorage;
  /** The Space's audience shards: listeners connect there, the room sends them its deltas. */
  readonly shards: AudienceShards;
  /** What a recording's replay shows beside the audio: stage, comments, reactions, pins. */
  readonly timeline: RecordingTimeline;
  state: SpaceState | undefined;
  readonly #presence = new Presence();
  /** Connections still being admitted: they hear nothing of the room before their `sync`. */
  readonly #admitting = new Set<string>();
  /** The count and faces last broadcast, to send only changes (kept in storage: see onStart). */
  #sentListeners = "";
  #due: Due = {};

  constructor(readonly room: Party.Room) {
    this.storage = room.storage as unknown as RoomStorage & AlarmStorage;
    this.config = readConfig(room.env);
    this.outbound = new SpaceOutbound(this.config, () => this.id);
    this.shards = new AudienceShards(this.config, this.storage, () => this.id);
    this.timeline = new RecordingTimeline(this.storage);
  }

  /** An object woken by an alarm cannot read room.id (PartyKit learns it from a request); the state has it. */
  get id(): string {
    return this.state?.id ?? this.room.id;
  }

  /** Runs before the upgrade: refuses with HTTP status and a JSON reason a client can show. */
  static onBeforeConnect(partyReq: Party.Request, lobby: Party.Lobby) {
    const odd = upgradeShapeRefusal(partyReq as unknown as Request);
    if (odd) return odd;
    return admitConnection(partyReq, lobby, { aud: "space", what: "join this Space" });
  }

  /** Unsigned GETs and POSTs and other methods are refused before the room wakes (see admitRequest). */
  static onBeforeRequest(partyReq: Party.Request, lobby: Party.Lobby) {
    return admitRequest(partyReq, lobby, { maxBytes: SPACE_MAX_BODY_BYTES, signedGet: true });
  }

  async onStart() {
    const [state, sent, due] = await Promise.all([
      loadSpace(this.storage),
      this.storage.get<string>("sentListeners"),
      this.storage.get<Due>("due"),
      this.shards.load(),
      this.timeline.load(),
    ]);
    this.state = state;
    this.#sentListeners = sent ?? "";
    this.#due = due ?? {};
    // Woken from hibernation: the sockets stayed open while the object was gone, so presence and
    // the per-person rate limits are read back from their attachments.
    for (const c of this.room.getConnections<ConnState>()) {
      const st = c.state;
      if (!st?.actor || st.gone) continue;
      this.#presence.add(st.actor.sub, c.id, st.address);
      if (st.personal?.sub) this.#presence.limits.restore(st.actor.sub, st.personal.sub);
      if (st.personal?.addr && st.address) this.#presence.limits.restore(`addr:${st.address}`, st.personal.addr);
    }
  }

  /** The cross-connection buckets of this person and address, to keep in a connection's attachment. */
  #personal(sub: string, address: string | null): ConnState["personal"] {
    const mine = this.#presence.limits.snapshot(sub);
    const addr = address ? this.#presence.limits.snapshot(`addr:${address}`) : undefined;
    return { ...(mine && { sub: mine }), ...(addr && { addr }) };
  }

  async onConnect(conn: Conn, ctx: Party.ConnectionContext) {
    this.#admitting.add(conn.id);
    try {
      await this.#admit(conn, ctx);
    } finally {
      this.#admitting.delete(conn.id);
    }
  }

  async #admit(conn: Conn, ctx: Party.ConnectionContext) {
    let claims: RoomTokenClaims;
    try {
      // Checked again here because the ban list can only be read in the room; the slack covers
      // a token that expired in the instant since onBeforeConnect accepted it.
      const token = new URL(ctx.request.url).searchParams.get("token") ?? "";
      claims = await verifyRoomToken(this.config.roomSecret, token, {
        aud: "space",
        // Not room.id: PartyKit refuses it to a connection that comes while an alarm is handled.
        room: this.state?.id ?? roomIdOf(this.room, ctx.request) ?? "",
      }, Date.now() - TOKEN_SLACK_MS);
    } catch (err) {
      return closeQuietly(conn, SPACE_CLOSE.badToken, `Cannot join this Space: ${(err as Error).message}.`);
    }
    const s = this.state;
    if (!s) return closeQuietly(conn, SPACE_CLOSE.notFound, "This Space does not exist.");
    const actor: Actor = person(claims);
    if (kindOf(s, actor.sub) === "removed") {
      const removed = Object.hasOwn(s.banned, actor.sub);
      const message = removed ? "You were removed from this Space." : "You can't join this Space.";
      this.#send(conn, { type: "removed", message });
      return closeQuietly(conn, SPACE_CLOSE.removed, message);
    }
    // Where the configured header is absent (partykit dev) only per-person limits apply.
    const address = clientAddress(this.config, ctx.request);
    const refusal = this.#presence.refusal(actor.sub, address);
    if (refusal) return closeQuietly(conn, SPACE_CLOSE.tooManyConnections, refusal);
    conn.setState({ actor, address, buckets: {}, strikes: 0, personal: this.#personal(actor.sub, address) });
    const arrived = this.#presence.add(actor.sub, conn.id, address);
    this.#send(conn, {
      ...(syncFor(s, actor, this.listenerCount(), this.isPresent, this.listenerSample()) as SpaceEventOf<"sync">),
      reconnecting: this.reconnectingCount(),
    });
    // From here on it hears every delta, including its own arrival below.
    this.#admitting.delete(conn.id);
    if (s.status === "ended") return closeQuietly(conn, SPACE_CLOSE.ended, "This Space has ended.");
    if (arrived) {
      const seat = seatOf(s, actor.sub);
      if (seat) {
        this.#broadcast({ type: "participantJoined", participant: { ...seat, present: true } });
      }
      const seated = seatPlanned(s, actor, s.host.sub);
      if (seated.state !== s) {
        this.commit(seated);
        // A person named ahead (a planned co-host or speaker) was a listener in their own sync;
        // seated, they are not, and the count everyone else last heard may not change: tell them.
        this.#send(conn, { type: "listenerCount", count: this.listenerCount(), listeners: this.listenerSample() });
      }
    }
    this.#scheduleListenerCount();
  }

  onMessage(message: Message, conn: Conn) {
    const now = Date.now();
    const got = receive<SpaceCommand, ConnState>(conn, message, SPACE_INBOUND, {
      now,
      limit: spaceLimits(this.#presence.limits, conn.state?.actor.sub ?? ""),
      keep: (st) => ({ ...st, personal: this.#personal(st.actor.sub, st.address) }),
    });
    if (!got) return;
    if (got.cmd.type === "mediaState") {
      // Kept on the sender's own connection (hibernation keeps it too), counted with the listeners.
      if (!!got.state.reconnecting === got.cmd.reconnecting) return;
      conn.setState({ ...got.state, reconnecting: got.cmd.reconnecting });
      return this.#scheduleListenerCount();
    }
    if (!this.state) return this.#error(conn, "not_found", "This Space does not exist.", got.ref);
    const result = decide(this.state, got.cmd, got.state.actor, {
      now,
      newId: () => crypto.randomUUID(),
      isPresent: this.isPresent,
    });
    if (!("state" in result)) return this.#error(conn, result.code, result.message, got.ref);
    this.commit(result);
  }

  onClose(conn: Conn) {
    // Completes the closing handshake: without it the browser waits for the close frame.
    closeQuietly(conn);
    const st = conn.state;
    if (!st?.actor || st.gone) return this.#scheduleListenerCount();
    try {
      conn.setState({ ...st, gone: true });
    } catch { /* a socket the runtime already dropped keeps no attachment: nothing to repeat */ }
    const sub = st.actor.sub;
    const known = this.#presence.knows(conn.id);
    const left = this.#presence.remove(sub, conn.id, st.address) ||
      // A close that woke the room: its socket was no longer open when presence was read back.
      (!known && !this.#presence.has(sub));
    if (!left) return this.#scheduleListenerCount();
    if (this.state && seatOf(this.state, sub) && this.state.status !== "ended") {
      this.#broadcast({ type: "participantLeft", sub, reason: "disconnected" });
    }
    this.#scheduleListenerCount();
  }

  onError(conn: Conn) {
    this.onClose(conn);
  }

  onRequest(partyReq: Party.Request) {
    const req = partyReq as unknown as Request;
    return answerSafely(req, `space room ${this.id}`, () => handleSpaceRequest(this, req));
  }

  readonly isPresent = (sub: string) => this.#presence.has(sub);

  /** Some signed-in listeners, to show as faces: read from the connections, so it survives hibernation. */
  listenerSample(): Person[] {
    const onStage = new Set((this.state?.stage ?? []).map((m) => m.sub));
    const out: Person[] = [];
    const seen = new Set<string>();
    for (const c of this.room.getConnections<ConnState>()) {
      const actor = c.state?.actor;
      if (!actor || c.state?.gone || !actor.sub.startsWith("u:") || onStage.has(actor.sub) || seen.has(actor.sub)) {
        continue;
      }
      seen.add(actor.sub);
      out.push(person(actor));
      if (out.length >= LISTENER_SAMPLE) break;
    }
    for (const m of onStage) seen.add(m);
    return [...out, ...this.shards.faces(LISTENER_SAMPLE - out.length, seen)];
  }

  /** People connected who are not on stage: here, and on the audience shards as they last reported. */
  listenerCount(): number {
    return this.#presence.listeners(this.state?.stage ?? []) + this.shards.total;
  }

  /** People whose audio is reconnecting (they said so), here and on the shards as last reported. */
  reconnectingCount(): number {
    const subs = new Set<string>();
    for (const c of this.room.getConnections<ConnState>()) {
      if (c.state?.reconnecting && !c.state.gone) subs.add(c.state.actor.sub);
    }
    return subs.size + this.shards.reconnecting;
  }

  /** A shard's report changed the count or the faces: everyone hears it within the usual 500 ms. */
  shardCountChanged() {
    this.#scheduleListenerCount();
  }

  /** Sends an event to everyone here and on every shard (summed reactions from the shards). */
  broadcast(event: SpaceEvent) {
    if (event.type === "reactionBurst") this.timeline.reactionBurst(this.state, event.emoji, event.count, Date.now());
    this.#broadcast(event);
  }

  /**
   * Makes a step the state: the reducer's `commit` derives the grants that changed from the state
   * held here to the step's; then stores it, delivers events, and tells the SFU and the web.
   */
  commit(step: Committable) {
    const prev = this.state;
    const { state: next, out, grants, report } = commit(prev, step);
    this.state = next;
    // Reactions and reports leave the state as it was: no write, so nothing waits on the disk.
    if (next !== prev) {
      saveSpace(this.storage, prev, next).catch((err) => console.error(`space room ${this.id}: save failed: ${err}`));
    }
    if (report) {
      saveReport(this.storage, report).catch((err) => console.error(`space room: report not stored: ${err}`));
      this.outbound.report(report);
    }
    this.timeline.observe(prev, next, out, Date.now());
    for (const d of out) {
      if (d.to === "all") this.#broadcast(d.event);
      else this.#sendTo(d.sub, d.event);
    }
    if (grants.length) this.outbound.grants(grants);
    const recording = next.recording === true;
    if (recording !== (prev?.recording === true)) {
      // The SFU taps the microphones; the web opens the recording (or mixes it, once ended).
      this.outbound.recording(recording);
      this.#scheduleWebPush();
    }
    const captions = captionsWanted(next);
    if (captions !== captionsWanted(prev)) this.outbound.captions(captions);
    if (prev?.stage !== next.stage || prev?.status !== next.status || prev?.title !== next.title) {
      this.#scheduleWebPush();
      this.#scheduleListenerCount();
    }
    if (next.status === "ended" && prev?.status !== "ended") {
      this.outbound.close();
      for (const c of this.room.getConnections()) {
        closeQuietly(c, SPACE_CLOSE.ended, "This Space has ended.");
      }
      // Nothing is due any more but the directory's last word: no count goes out after the end.
      if (this.#due.listeners !== undefined) {
        delete this.#due.listeners;
        this.#saveDue();
      }
    }
  }

  /** Puts a person out: every connection of theirs gets `removed` and is closed. */
  putOut(sub: string, message: string) {
    this.#sendTo(sub, { type: "removed", message });
  }

  #sendTo(sub: string, event: SpaceEvent) {
    // The person may be listening on a shard: each shard passes it on to their connections there.
    this.shards.send(sub, event);
    // By tag, not getConnection(id): a client may reuse its `_pk`, and then one id has two sockets.
    for (const id of [...this.#presence.connectionsOf(sub)]) {
      for (const c of this.room.getConnections(id)) {
        this.#send(c, event);
        // A removed person's connections end here; the ban refuses them on every later connect.
        if (event.type === "removed") closeQuietly(c, SPACE_CLOSE.removed, event.message);
      }
    }
  }

  #send(conn: Party.Connection, event: SpaceEvent) {
    sendText(conn, JSON.stringify(event));
  }

  #broadcast(event: SpaceEvent) {
    const admitting = this.#admitting.size ? [...this.#admitting] : undefined;
    broadcastText(this.room, JSON.stringify(event), admitting);
    this.shards.send("all", event);
  }

  #error(conn: Party.Connection, code: SpaceErrorCode, message: string, ref?: string) {
    this.#send(conn, { type: "error", code, message, ...(ref !== undefined && { ref }) });
  }

  #scheduleListenerCount() {
    // Once ended nobody is left to tell, and the web keeps an ended Space as it last heard it. A
    // Space never created has nobody to tell either: a refused socket's close stores nothing there.
    if (this.#due.listeners !== undefined || !this.state || this.state.status === "ended") return;
    this.#due.listeners = Date.now() + LISTENER_COUNT_EVERY_MS;
    this.#saveDue();
  }

  #scheduleWebPush() {
    if (this.#due.web !== undefined || !this.state) return;
    this.#due.web = Date.now() + WEB_PUSH_EVERY_MS;
    this.#saveDue();
  }

  /** Stores what is due and sets the one alarm for the earliest of it. */
  #saveDue() {
    const next = Math.min(this.#due.listeners ?? Infinity, this.#due.web ?? Infinity);
    const done = (err: unknown) => console.error(`space room ${this.id}: alarm not set: ${err}`);
    this.storage.put("due", this.#due).catch(done);
    (next === Infinity ? this.storage.deleteAlarm() : this.storage.setAlarm(next)).catch(done);
  }

  onAlarm() {
    const now = Date.now();
    if (this.#due.listeners !== undefined && this.#due.listeners <= now) {
      delete this.#due.listeners;
      this.#sendListenerCount();
    }
    if (this.#due.web !== undefined && this.#due.web <= now) {
      delete this.#due.web;
      this.#pushToWeb();
    }
    this.#saveDue();
  }

  #sendListenerCount() {
    if (this.state?.status === "ended") return;
    const count = this.listenerCount();
    const listeners = this.listenerSample();
    const reconnecting = this.reconnectingCount();
    // The faces can change while the count does not (one leaves as another comes).
    const sent = `${count}|${reconnecting}|${listeners.map((p) => p.sub).join(",")}`;
    if (sent === this.#sentListeners) return;
    this.#sentListeners = sent;
    this.storage.put("sentListeners", sent).catch((err) =>
      console.error(`space room ${this.id}: count not stored: ${err}`)
    );
    this.#broadcast({ type: "listenerCount", count, listeners, reconnecting });
    this.#scheduleWebPush();
  }

  #pushToWeb() {
    const s = this.state;
    if (!s) return;
    this.outbound.state({
      status: s.status,
      title: s.title,
      listenerCount: this.listenerCount(),
      stage: publicStage(s),
      recording: s.recording === true,
      ...(this.timeline.startedAt !== undefined && { recordingStartedAt: this.timeline.startedAt }),
    });
  }
}

/** The alarm half of a Durable Object's storage. */
interface AlarmStorage {
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

SpaceRoom satisfies Party.Worker;
