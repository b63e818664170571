// Browser-side stand-ins for tests and benches: a Space room connection that records what it
// receives, a capture server standing in for the SFU and the web, and the raw upgrade answer.
import { DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import type { SpaceEvent } from "../../lib/protocol/space.ts";
import { verifyRequest } from "../../lib/protocol/token.ts";
import { type PartyDev, spaceToken, type TestPerson, waitFor } from "./party.ts";

/** How a test connection presents itself: the page's Origin, or any other request header. */
export type JoinOptions = { origin?: string; headers?: Record<string, string> };

/** A Space room connection as a browser holds it: every event it received, in order. */
export class RoomClient {
  readonly events: SpaceEvent[] = [];
  /** Resolves with the close code and reason a browser would see. */
  readonly closed: Promise<{ code: number; reason: string }>;
  opened = false;
  readonly #ws: WebSocket;

  private constructor(url: string, headers: Record<string, string>) {
    // Deno's WebSocket takes request headers, which lets tests play a foreign page or a network.
    this.#ws = new WebSocket(url, { headers } as never);
    this.#ws.onopen = () => (this.opened = true);
    this.#ws.onmessage = (e) => this.events.push(JSON.parse(e.data));
    this.closed = new Promise((resolve) => {
      this.#ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
    });
    this.#ws.onerror = () => {};
  }

  /** Opens a connection without waiting for anything (to watch a refusal). */
  static open(dev: PartyDev, spaceId: string, token: string, opts: JoinOptions = {}) {
    return new RoomClient(
      `${dev.ws}/parties/space/${spaceId}?token=${encodeURIComponent(token)}`,
      { ...opts.headers, ...(opts.origin !== undefined && { origin: opts.origin }) },
    );
  }

  /** Opens a connection to any party's room (an audience shard: party "audience"). */
  static openParty(dev: PartyDev, party: string, room: string, token: string, opts: JoinOptions = {}) {
    return new RoomClient(
      `${dev.ws}/parties/${party}/${room}?token=${encodeURIComponent(token)}`,
      { ...opts.headers, ...(opts.origin !== undefined && { origin: opts.origin }) },
    );
  }

  /** Opens a connection and waits for its `sync`. */
  static async join(
    dev: PartyDev,
    spaceId: string,
    who: TestPerson,
    opts: JoinOptions = {},
  ) {
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
        if (e.type === type && match(e as Extract<SpaceEvent, { type: T }>)) {
          return e as Extract<SpaceEvent, { type: T }>;
        }
      }
      if (closed) {
        throw new Error(
          `closed (${closed.code} ${closed.reason}) before a ${type} event; got ${
            JSON.stringify(this.events.slice(from))
          }`,
        );
      }
      return undefined;
    }, timeoutMs);
  }

  /** Sends a command (or anything: tests send bad input too) and waits for the reply event type. */
  send(message: unknown) {
    this.#ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Sends a command and waits for the first event of `type` after it. */
  async request<T extends SpaceEvent["type"]>(
    message: unknown,
    type: T,
    match?: (e: Extract<SpaceEvent, { type: T }>) => boolean,
  ) {
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
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const text = await req.text();
        const signed = await verifyRequest(DEV_SERVER_SECRET, text, req.headers);
        this.requests.push({ path: new URL(req.url).pathname, body: JSON.parse(text), signed });
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    );
  }

  get url() {
    return `http://127.0.0.1:${(this.#server.addr as Deno.NetAddr).port}`;
  }

  /** Waits for a request to a path whose body passes `match`. */
  // deno-lint-ignore no-explicit-any -- bodies are whatever JSON the room sent; tests probe fields.
  waitFor(path: string, match: (body: any) => boolean = () => true, timeoutMs = 5_000) {
    return waitFor(
      `a POST to ${path}`,
      () => this.requests.find((r) => r.path === path && match(r.body)),
      timeoutMs,
    );
  }

  async close() {
    await this.#server.shutdown();
  }
}

/**
 * The HTTP answer to a WebSocket upgrade: what a refused browser's devtools show. A WebSocket
 * object only reports a failed connection, so tests read the room's reason this way.
 */
export async function upgradeAnswer(
  dev: PartyDev,
  spaceId: string,
  token: string,
  origin?: string,
) {
  const res = await fetch(
    `${dev.http}/parties/space/${spaceId}?token=${encodeURIComponent(token)}`,
    {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": btoa(
          String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
        ),
        ...(origin && { origin }),
      },
    },
  );
  const text = await res.text();
  return { status: res.status, body: res.status === 101 ? undefined : JSON.parse(text) };
}
