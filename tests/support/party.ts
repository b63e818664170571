// Starts a real `partykit dev` for tests and benches, on a free port with its own persist dir,
// and drives Space rooms over real WebSockets and signed HTTP, the way browsers and the web do.
// Every wait has a deadline, so a broken room fails a test instead of hanging it.
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import type { SpaceEvent } from "../../lib/protocol/space.ts";
import { mintRoomToken, type MintInput, signRequest, verifyRequest } from "../../lib/protocol/token.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PARTYKIT = `${ROOT}node_modules/.bin/partykit`;

export async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A running `partykit dev`. Stop it with stop(); restart() keeps the same port and storage. */
export class PartyDev {
  #child: Deno.ChildProcess | undefined;
  #log: string[] = [];
  private constructor(readonly port: number, readonly persistDir: string, readonly vars: Record<string, string>) {}

  get http() {
    return `http://127.0.0.1:${this.port}`;
  }
  get ws() {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** What the server printed, for failure messages. */
  get log() {
    return this.#log.join("");
  }

  static async start(opts: { vars?: Record<string, string>; persistDir?: string } = {}): Promise<PartyDev> {
    const persistDir = opts.persistDir ?? (await Deno.makeTempDir({ prefix: "spazio-party-" }));
    const dev = new PartyDev(await freePort(), persistDir, opts.vars ?? {});
    await dev.#spawn();
    return dev;
  }

  async #spawn() {
    const args = ["dev", "--port", String(this.port), "--persist", this.persistDir, "--disable-request-cf-fetch", "--no-hotkeys"];
    for (const [k, v] of Object.entries(this.vars)) args.push("--var", `${k}=${v}`);
    // setsid: partykit starts workerd as a child; a process group lets stop() end both.
    this.#child = new Deno.Command("setsid", {
      args: [PARTYKIT, ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", CI: "1" },
    }).spawn();
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write: (t) => void this.#log.push(t) }))
        .catch(() => {});
    }
    await waitFor("partykit dev to answer", async () => {
      try {
        const res = await fetch(`${this.http}/parties/space/__probe__`);
        await res.body?.cancel();
        return res.status === 404 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 60_000).catch((err) => {
      throw new Error(`${err.message}\n${this.log}`);
    });
  }

  async stop() {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    try {
      Deno.kill(-child.pid, "SIGTERM");
    } catch { /* already gone */ }
    const done = await Promise.race([child.status.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
    if (!done) {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    }
  }

  /** Stops the server and starts it again on the same port with the same room storage. */
  async restart() {
    await this.stop();
    await this.#spawn();
  }

  /** Stops the server and deletes its storage. */
  async dispose() {
    await this.stop();
    await Deno.remove(this.persistDir, { recursive: true }).catch(() => {});
  }
}

/** A person as the web would name them in a token. */
export type TestPerson = { sub: string; handle?: string; name?: string };

export function spaceToken(spaceId: string, who: TestPerson, extra: Partial<MintInput> = {}, now?: number) {
  return mintRoomToken(DEV_ROOM_SECRET, { aud: "space", room: spaceId, ...who, ...extra }, now);
}

/** A signed POST to a Space room, as the web or the SFU sends it. */
export async function roomPost(dev: PartyDev, spaceId: string, body: unknown, secret = DEV_SERVER_SECRET) {
  const text = JSON.stringify(body);
  const res = await fetch(`${dev.http}/parties/space/${spaceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(secret, text)) },
    body: text,
  });
  return { status: res.status, body: await res.json() };
}

export async function initSpace(dev: PartyDev, spaceId: string, host: TestPerson, extra: Record<string, unknown> = {}) {
  const res = await roomPost(dev, spaceId, { type: "init", spaceId, title: `Space ${spaceId}`, host, ...extra });
  if (res.status !== 200) throw new Error(`init failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let spaceCounter = 0;
/** A Space id no other test uses, so tests sharing a server do not see each other. */
export const newSpaceId = (tag = "t") => `${tag}${Date.now().toString(36)}${(++spaceCounter).toString(36)}`;

/** A Space room connection as a browser holds it: every event it received, in order. */
export class RoomClient {
  readonly events: SpaceEvent[] = [];
  /** Resolves with the close code and reason a browser would see. */
  readonly closed: Promise<{ code: number; reason: string }>;
  opened = false;
  readonly #ws: WebSocket;

  private constructor(url: string, origin?: string) {
    this.#ws = origin === undefined ? new WebSocket(url) : new WebSocket(url, { headers: { origin } } as never);
    this.#ws.onopen = () => (this.opened = true);
    this.#ws.onmessage = (e) => this.events.push(JSON.parse(e.data));
    this.closed = new Promise((resolve) => {
      this.#ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
    });
    this.#ws.onerror = () => {};
  }

  /** Opens a connection without waiting for anything (to watch a refusal). */
  static open(dev: PartyDev, spaceId: string, token: string, opts: { origin?: string } = {}) {
    return new RoomClient(`${dev.ws}/parties/space/${spaceId}?token=${encodeURIComponent(token)}`, opts.origin);
  }

  /** Opens a connection and waits for its `sync`. */
  static async join(dev: PartyDev, spaceId: string, who: TestPerson, opts: { origin?: string } = {}) {
    const c = RoomClient.open(dev, spaceId, await spaceToken(spaceId, who), opts);
    await c.waitFor("sync");
    return c;
  }

  /** How many events arrived so far; pass it to waitFor to look only at later ones. */
  mark() {
    return this.events.length;
  }

  /** Waits for an event of a type (and matching a test) received at or after `from`. */
  async waitFor<T extends SpaceEvent["type"]>(
    type: T,
    match: (e: Extract<SpaceEvent, { type: T }>) => boolean = () => true,
    from = 0,
    timeoutMs = 5_000,
  ): Promise<Extract<SpaceEvent, { type: T }>> {
    let closed: { code: number; reason: string } | undefined;
    this.closed.then((c) => (closed = c));
    return await waitFor(`a ${type} event`, () => {
      for (let i = from; i < this.events.length; i++) {
        const e = this.events[i];
        if (e.type === type && match(e as Extract<SpaceEvent, { type: T }>)) return e as Extract<SpaceEvent, { type: T }>;
      }
      if (closed) throw new Error(`closed (${closed.code} ${closed.reason}) before a ${type} event; got ${JSON.stringify(this.events.slice(from))}`);
      return undefined;
    }, timeoutMs);
  }

  /** Sends a command (or anything: tests send bad input too) and waits for the reply event type. */
  send(message: unknown) {
    this.#ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Sends a command and waits for the first event of `type` after it. */
  async request<T extends SpaceEvent["type"]>(message: unknown, type: T, match?: (e: Extract<SpaceEvent, { type: T }>) => boolean) {
    const from = this.mark();
    this.send(message);
    return await this.waitFor(type, match, from);
  }

  async close() {
    if (this.#ws.readyState < WebSocket.CLOSING) this.#ws.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2_000))]);
  }
}

/** A stand-in for the SFU and the web: records the signed POSTs the room sends them. */
export class CaptureServer {
  readonly requests: { path: string; body: unknown; signed: boolean }[] = [];
  readonly #server: Deno.HttpServer;

  constructor() {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      const text = await req.text();
      const signed = await verifyRequest(DEV_SERVER_SECRET, text, req.headers);
      this.requests.push({ path: new URL(req.url).pathname, body: JSON.parse(text), signed });
      return new Response("{}", { headers: { "content-type": "application/json" } });
    });
  }

  get url() {
    return `http://127.0.0.1:${(this.#server.addr as Deno.NetAddr).port}`;
  }

  /** Waits for a request to a path whose body passes `match`. */
  waitFor(path: string, match: (body: any) => boolean = () => true, timeoutMs = 5_000) {
    return waitFor(`a POST to ${path}`, () => this.requests.find((r) => r.path === path && match(r.body)), timeoutMs);
  }

  async close() {
    await this.#server.shutdown();
  }
}

/**
 * The HTTP answer to a WebSocket upgrade: what a refused browser's devtools show. A WebSocket
 * object only reports a failed connection, so tests read the room's reason this way.
 */
export async function upgradeAnswer(dev: PartyDev, spaceId: string, token: string, origin?: string) {
  const res = await fetch(`${dev.http}/parties/space/${spaceId}?token=${encodeURIComponent(token)}`, {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-version": "13",
      "sec-websocket-key": btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
      ...(origin && { origin }),
    },
  });
  const text = await res.text();
  return { status: res.status, body: res.status === 101 ? undefined : JSON.parse(text) };
}

/** Deno.test without the leak checks: the shared dev server outlives single tests by design. */
export function partyTest(name: string, fn: () => Promise<void>) {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}
