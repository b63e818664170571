// An in-memory stand-in for what PartyKit and workerd give a hibernating party, to run a script of
// events against a party class twice: once on one long-lived object, and once on a fresh object
// built from storage and connection attachments before every event, as a wake-up from
// hibernation does. What each connection receives, what the room posts out, its HTTP answers and
// its storage are recorded, so the two runs can be compared.
//
// Faithful to PartyKit 0.0.115's facade (node_modules/partykit/dist/generated.js) where it matters:
// - a connection's state lives in its attachment, `{__pk: {id, uri}, __user}`, cached per object
//   (the same reference comes back until the object goes) and read back from its serialised form
//   (JSON here) by the next object; over 2 KiB it throws, as workerd's serializeAttachment does;
// - getConnections() yields only OPEN sockets, and a connection is accepted (listed, with no
//   state) before onConnect runs; onStart runs before the event that woke the object;
// - an object woken by an alarm never learns its room id (PartyKit initialises the party only
//   from a request URL), and `room.id` throws inside onAlarm, also to a connection that arrives
//   while the alarm is handled (a connect step with `duringAlarm`).
// Longer than 300 lines on purpose: the stand-in runtime (storage, connections, alarms, outbound
// requests) is one object whose parts record into one log.
import type * as Party from "partykit/server";

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** workerd's limit on a serialised WebSocket attachment. */
export const MAX_ATTACHMENT_BYTES = 2048;

/** What one connection saw, in order: texts, and the close frame the room sent. */
export type Seen = string | { close: number | undefined; reason: string | undefined };

class FakeSocket {
  readyState = OPEN;
  attachment: string;
  seen: Seen[] = [];
  /** The room closed it and the peer's answering close frame is still to be delivered. */
  closeAckDue = false;
  constructor(readonly id: string, readonly uri: string, readonly request: Request) {
    this.attachment = JSON.stringify({ __pk: { id, uri }, __user: null });
  }
}

/** A virtual clock with timers; Date.now, setTimeout and clearTimeout point here during a run. */
class Clock {
  now: number;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  constructor(start: number) {
    this.now = start;
  }
  setTimeout = (fn: () => void, ms = 0) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (id?: number) => void this.#timers.delete(id as number);
  get pending(): number {
    return this.#timers.size;
  }
  drop() {
    this.#timers.clear();
  }
  /** Moves to `to`, running due timers in time order (each followed by `settle`). */
  async advance(to: number, settle: () => Promise<void>) {
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const t of this.#timers) if (t[1].at <= to && (!due || t[1].at < due[1].at)) due = t;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].fn();
      await settle();
    }
    this.now = Math.max(this.now, to);
  }
}

/** One step of a script, `at` ms after the start. */
export type Step =
  & {
    at: number;
    /** The object is still in memory for this event (it came within seconds of the last). */
    stay?: boolean;
  }
  & (
    | {
      kind: "connect";
      conn: string;
      uri: string;
      headers?: Record<string, string>;
      /**
       * The alarm due next fires first, and this connection arrives before its handler is done
       * (a shard's report batches are alarms): `room.id` throws for both until both are done.
       */
      duringAlarm?: true;
    }
    | { kind: "message"; conn: string; text: string | ((r: Recorder) => string) }
    | { kind: "disconnect"; conn: string }
    | { kind: "request"; make: (now: number) => Promise<Request> }
    | { kind: "alarm" }
  );

/** What a run recorded. */
export interface Recorder {
  seen: Record<string, Seen[]>;
  posts: string[][];
  answers: { status: number; body: string }[];
  storage: string[];
  alarms: (number | null)[];
  /** Objects built: 1 for the long-lived run. */
  objects: number;
  /** Largest attachment written, in bytes. */
  largestAttachment: number;
}

export type PartyClass = new (room: Party.Room) => Party.Server;

export interface RunOptions {
  /**
   * "long-lived": one object. "hibernate": a fresh object before every event the runtime could
   * deliver to a hibernated room (not while a timer is pending, which keeps an object alive).
   * "evict": a fresh object after every event, pending timers lost (an eviction or a restart).
   */
  mode: "long-lived" | "hibernate" | "evict";
  roomId: string;
  start: number;
  /** What the room's own fetches get (another room's answer); `{}` with 200 when not given. */
  answer?: (req: Request, body: string) => Response | Promise<Response>;
}

const enc = new TextEncoder();

/** Runs `steps` against `Party`; returns what was recorded. */
export async function runScript(Party: PartyClass, steps: Step[], opts: RunOptions): Promise<Recorder> {
  const clock = new Clock(opts.start);
  const storage = new Map<string, string>();
  let alarm: number | null = null;
  const sockets = new Map<string, FakeSocket>();
  const rec: Recorder = {
    seen: {},
    posts: [],
    answers: [],
    storage: [],
    alarms: [],
    objects: 0,
    largestAttachment: 0,
  };
  let posts: string[] = [];

  const realSetTimeout = globalThis.setTimeout;
  const settle = async () => {
    // Enough turns for crypto.subtle (on a thread pool) to answer on a loaded machine.
    for (let i = 0; i < 16; i++) await new Promise((r) => realSetTimeout(r, 0));
  };

  const fakeStorage = {
    get: (key: string) => Promise.resolve(storage.has(key) ? JSON.parse(storage.get(key)!) : undefined),
    put: (a: string | Record<string, unknown>, b?: unknown) => {
      const entries = typeof a === "string" ? { [a]: b } : a;
      for (const [k, v] of Object.entries(entries)) storage.set(k, JSON.stringify(v));
      return Promise.resolve();
    },
    delete: (key: string) => Promise.resolve(storage.delete(key)),
    list: ({ prefix = "" }: { prefix?: string } = {}) =>
      Promise.resolve(
        new Map(
          [...storage.keys()].filter((k) => k.startsWith(prefix)).sort().map((k) => [k, JSON.parse(storage.get(k)!)]),
        ),
      ),
    setAlarm: (at: number) => {
      alarm = at;
      return Promise.resolve();
    },
    deleteAlarm: () => {
      alarm = null;
      return Promise.resolve();
    },
    getAlarm: () => Promise.resolve(alarm),
  };

  let inAlarm = false;

  const wrap = (cache: WeakMap<FakeSocket, { __pk: unknown; __user: unknown }>, ws: FakeSocket) => {
    const attachment = () => {
      let a = cache.get(ws);
      if (!a) cache.set(ws, a = JSON.parse(ws.attachment));
      return a!;
    };
    const conn = {
      id: ws.id,
      uri: ws.uri,
      get readyState() {
        return ws.readyState;
      },
      get state() {
        return attachment().__user ?? null;
      },
      setState(s: unknown) {
        const next = { ...attachment(), __user: s ?? null };
        const text = JSON.stringify(next);
        const bytes = enc.encode(text).length;
        if (bytes > MAX_ATTACHMENT_BYTES) {
          throw new Error(`serializeAttachment: ${bytes} bytes is over the ${MAX_ATTACHMENT_BYTES}-byte limit`);
        }
        rec.largestAttachment = Math.max(rec.largestAttachment, bytes);
        ws.attachment = text;
        cache.set(ws, next);
        return s;
      },
      send(text: string) {
        if (ws.readyState !== OPEN) throw new Error("Can't call WebSocket send() after close().");
        ws.seen.push(text);
      },
      close(code?: number, reason?: string) {
        if (ws.readyState === CLOSED) throw new Error("WebSocket already closed");
        if (ws.readyState === OPEN) {
          ws.seen.push({ close: code, reason });
          ws.closeAckDue = true;
          ws.readyState = CLOSING;
        } else {
          ws.readyState = CLOSED; // completes a handshake the peer began
        }
      },
    };
    return conn as unknown as Party.Connection;
  };

  const build = async (wokenBy: "request" | "alarm") => {
    const cache = new WeakMap<FakeSocket, { __pk: unknown; __user: unknown }>();
    const wrapped = new Map<FakeSocket, Party.Connection>();
    const connOf = (ws: FakeSocket) => {
      let c = wrapped.get(ws);
      if (!c) wrapped.set(ws, c = wrap(cache, ws));
      return c;
    };
    const state = { idKnown: wokenBy === "request" };
    const room = {
      get id() {
        if (inAlarm) throw new Error("You can not access `Party.id` in the `onAlarm` handler.");
        if (!state.idKnown) throw new Error("Party.id is not yet initialized. This is probably a bug in PartyKit.");
        return opts.roomId;
      },
      env: {},
      storage: fakeStorage,
      getConnections(tag?: string) {
        const out: Party.Connection[] = [];
        for (const ws of sockets.values()) {
          if (ws.readyState === OPEN && (tag === undefined || tag === ws.id)) out.push(connOf(ws));
        }
        return out.values();
      },
      getConnection(id: string) {
        const ws = sockets.get(id);
        return ws ? connOf(ws) : undefined;
      },
      broadcast(msg: string, without: string[] = []) {
        for (const c of room.getConnections()) if (!without.includes(c.id)) c.send(msg);
      },
    };
    const server = new Party(room as unknown as Party.Room);
    rec.objects++;
    await server.onStart?.();
    return { server, connOf };
  };

  let current: Awaited<ReturnType<typeof build>> | undefined;
  const awake = async (wokenBy: "request" | "alarm") => current ??= await build(wokenBy);
  const hibernate = () => {
    current = undefined;
  };

  const saved = {
    now: Date.now,
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    fetch: globalThis.fetch,
    uuid: crypto.randomUUID,
    timeout: AbortSignal.timeout,
  };
  let uuids = 0;
  Date.now = () => clock.now;
  globalThis.setTimeout = clock.setTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = clock.clearTimeout as unknown as typeof clearTimeout;
  crypto.randomUUID = () =>
    `00000000-0000-4000-8000-${
      String(++uuids).padStart(12, "0")
    }` as `${string}-${string}-${string}-${string}-${string}`;
  AbortSignal.timeout = () => new AbortController().signal;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    const body = await req.text();
    posts.push(`${req.method} ${req.url} ${body}`);
    return opts.answer ? await opts.answer(req, body) : new Response("{}", { status: 200 });
  };

  // The peer's answer to a close the room sent: delivered as an event of its own.
  const closeAcks = async () => {
    for (const ws of sockets.values()) {
      if (!ws.closeAckDue) continue;
      ws.closeAckDue = false;
      // It comes within milliseconds: no hibernation in between, but an eviction may strike.
      const { server, connOf } = await awake("request");
      ws.readyState = CLOSED;
      await server.onClose?.(connOf(ws));
      await settle();
      if (opts.mode === "evict") hibernate(), clock.drop();
    }
  };

  const fireAlarm = async () => {
    const { server } = await awake("alarm");
    alarm = null;
    inAlarm = true;
    try {
      await server.onAlarm?.();
    } finally {
      inAlarm = false;
    }
    await settle();
    if (opts.mode === "evict") hibernate(), clock.drop();
    await closeAcks();
  };
  /** Moves the clock to `to`; an alarm due on the way fires at its time, as workerd's does. */
  const advance = async (to: number) => {
    while (alarm !== null && alarm <= to) {
      await clock.advance(alarm, settle);
      if (opts.mode === "hibernate" && clock.pending === 0) hibernate();
      await fireAlarm();
    }
    await clock.advance(to, settle);
  };

  try {
    for (const step of steps) {
      posts = [];
      await advance(opts.start + step.at);
      if (opts.mode === "hibernate" && clock.pending === 0 && !step.stay) hibernate();
      switch (step.kind) {
        case "connect": {
          const request = new Request(step.uri, { headers: step.headers });
          let handling: Promise<unknown> = Promise.resolve();
          if (step.duringAlarm) {
            if (alarm === null) throw new Error(`${step.conn}: no alarm is due to arrive during`);
            await clock.advance(alarm, settle);
            if (opts.mode === "hibernate" && clock.pending === 0) hibernate();
            const { server } = await awake("alarm");
            alarm = null;
            inAlarm = true;
            handling = Promise.resolve(server.onAlarm?.());
          }
          const { server, connOf } = await awake("request");
          const ws = new FakeSocket(step.conn, step.uri, request);
          sockets.set(step.conn, ws);
          rec.seen[step.conn] = ws.seen;
          try {
            await server.onConnect?.(connOf(ws), { request } as unknown as Party.ConnectionContext);
          } catch (err) {
            // PartyKit answers the upgrade with a socket closed 1011 and the error's message.
            ws.seen.push({ close: 1011, reason: (err as Error).message });
            ws.readyState = CLOSED;
          } finally {
            await handling.finally(() => (inAlarm = false));
          }
          break;
        }
        case "message": {
          const ws = sockets.get(step.conn)!;
          if (ws.readyState !== OPEN) break; // a closed socket delivers nothing
          const text = typeof step.text === "function" ? step.text(rec) : step.text;
          const { server, connOf } = await awake("request");
          await server.onMessage?.(text, connOf(ws));
          break;
        }
        case "disconnect": {
          const ws = sockets.get(step.conn)!;
          if (ws.readyState !== OPEN) break;
          ws.readyState = CLOSING;
          const { server, connOf } = await awake("request");
          await server.onClose?.(connOf(ws));
          break;
        }
        case "request": {
          const req = await step.make(clock.now);
          const { server } = await awake("request");
          try {
            const res = await server.onRequest!(req as unknown as Party.Request);
            rec.answers.push({ status: res.status, body: await res.text() });
          } catch (err) {
            // PartyKit's fetch answers a throw with a 500 and the error's message.
            rec.answers.push({ status: 500, body: (err as Error).message });
          }
          break;
        }
        case "alarm": {
          if (alarm === null) break;
          await clock.advance(alarm, settle);
          await fireAlarm();
          break;
        }
      }
      await settle();
      if (opts.mode === "evict") hibernate(), clock.drop();
      await closeAcks();
      rec.posts.push(posts.sort());
      rec.storage.push(JSON.stringify([...storage.entries()].sort()));
      rec.alarms.push(alarm);
    }
    // Whatever is still due (a count, a push) goes out before the run ends.
    posts = [];
    await advance(clock.now + 60_000);
    rec.posts.push(posts.sort());
  } finally {
    Date.now = saved.now;
    globalThis.setTimeout = saved.setTimeout;
    globalThis.clearTimeout = saved.clearTimeout;
    globalThis.fetch = saved.fetch;
    crypto.randomUUID = saved.uuid;
    AbortSignal.timeout = saved.timeout;
  }
  return rec;
}
