// deno-lint-ignore-file no-explicit-any -- helpers hand back whatever JSON a server sent, for tests to assert on.
// Helpers for the DM and call tests: accounts made straight in KV with a session, JSON calls to
// the web as the site's own pages make them, and sockets to inbox and call rooms that record
// every event, with deadlines on every wait.
import type { User } from "../../lib/server/kv/users.ts";
import { DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import { verifyRequest } from "../../lib/protocol/token.ts";
import { type PartyDev, waitFor } from "./party.ts";
import { sameOrigin, type WebServer } from "./web.ts";

export interface Account {
  user: User;
  cookie: string;
}

/** An account with a session, as a signed-up person has; `verified` sets the badge. */
export async function account(
  web: WebServer,
  handle: string,
  opts: { verified?: boolean } = {},
): Promise<Account> {
  let user = await web.deps.users.create({
    handle,
    displayName: handle[0].toUpperCase() + handle.slice(1),
  }, {
    id: `cred-${handle}-${crypto.randomUUID()}`,
    publicKey: new Uint8Array([1, 2, 3]),
    counter: 0,
    transports: [],
    createdAt: Date.now(),
    label: "test",
  });
  if (opts.verified) user = await web.deps.users.update(user.id, { verified: true });
  return { user, cookie: `spazio_session=${await web.deps.sessions.create(user.id)}` };
}

/** A JSON request from the site's own page, signed in as `who`. */
export async function call(
  web: WebServer,
  who: Account | null,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(
    `${web.url}${path}`,
    sameOrigin(web, {
      method,
      cookie: who?.cookie,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch { /* not JSON: left null */ }
  return { status: res.status, body: json };
}

/** A WebSocket to a party room that keeps every event it got. */
export class Socket<E extends { type: string } = { type: string; [k: string]: any }> {
  readonly events: E[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;

  constructor(url: string, origin?: string) {
    this.#ws = origin === undefined ? new WebSocket(url) : new WebSocket(url, { headers: { origin } } as never);
    this.#ws.onmessage = (e) => this.events.push(JSON.parse(e.data));
    this.#ws.onerror = () => {};
    this.closed = new Promise((
      resolve,
    ) => (this.#ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })));
  }

  static inbox(dev: PartyDev, userId: string, token: string) {
    return new Socket(
      `${dev.ws}/parties/user/${encodeURIComponent(userId)}?token=${encodeURIComponent(token)}`,
    );
  }

  static call(dev: PartyDev, callId: string, token: string) {
    return new Socket(
      `${dev.ws}/parties/call/${encodeURIComponent(callId)}?token=${encodeURIComponent(token)}`,
    );
  }

  mark() {
    return this.events.length;
  }

  async waitFor(
    type: string,
    match: (e: any) => boolean = () => true,
    from = 0,
    timeoutMs = 8_000,
  ): Promise<any> {
    let closed: { code: number; reason: string } | undefined;
    this.closed.then((c) => (closed = c));
    return await waitFor(`a ${type} event`, () => {
      const hit = this.events.slice(from).find((e) => e.type === type && match(e));
      if (hit) return hit;
      if (closed) {
        throw new Error(
          `closed (${closed.code} ${closed.reason}) before a ${type}; got ${JSON.stringify(this.events.slice(from))}`,
        );
      }
      return undefined;
    }, timeoutMs);
  }

  /** Events of a type received at or after `from`. */
  seen(type: string, from = 0): any[] {
    return this.events.slice(from).filter((e) => e.type === type);
  }

  send(message: unknown) {
    this.#ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  async close() {
    if (this.#ws.readyState < WebSocket.CLOSING) this.#ws.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2_000))]);
  }
}

/** Opens `who`'s inbox with a token from the web, and waits for its hello. */
export async function openInbox(web: WebServer, dev: PartyDev, who: Account): Promise<Socket> {
  const { body } = await call(web, who, "POST", "/api/inbox/token");
  const s = Socket.inbox(dev, who.user.id, body.token);
  await s.waitFor("hello");
  return s;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Makes `callee` willing to take calls from `caller`: a contact, who was written to. */
export async function befriend(web: WebServer, caller: Account, callee: Account): Promise<void> {
  await web.deps.social.addContact(callee.user.id, caller.user.id);
  const r = await call(web, callee, "POST", `/api/messages/${caller.user.handle}`, {
    text: `hi ${caller.user.handle}`,
  });
  if (r.status !== 201) {
    throw new Error(`befriend: DM refused ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** Joins a call room as `who`, with a token from the web, and waits for the sync. */
export async function joinCall(
  web: WebServer,
  dev: PartyDev,
  who: Account,
  callId: string,
): Promise<Socket> {
  const r = await call(web, who, "POST", `/api/calls/${callId}/join`);
  if (r.status !== 200) throw new Error(`join refused: ${r.status} ${JSON.stringify(r.body)}`);
  const s = Socket.call(dev, callId, r.body.token);
  await s.waitFor("sync");
  return s;
}

/** Stands in for the SFU's control API: records the signed POSTs a call room sends it. */
export class ControlSink {
  readonly requests: { path: string; body: any; signed: boolean }[] = [];
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

  waitFor(path: string, match: (body: any) => boolean = () => true) {
    return waitFor(`a POST to ${path}`, () => this.requests.find((r) => r.path === path && r.signed && match(r.body)));
  }

  async close() {
    await this.#server.shutdown();
  }
}

/** A browser profile signed in as `who` (the session cookie set directly), on a page. */
export async function signedInPage(
  browser: import("playwright-core").Browser,
  web: WebServer,
  who: Account,
  opts: { width?: number; locale?: string } = {},
) {
  const context = await browser.newContext({
    locale: opts.locale ?? "en-US",
    viewport: { width: opts.width ?? 1280, height: 900 },
  });
  await context.addCookies([{ name: "spazio_session", value: who.cookie.split("=")[1], url: web.url }]);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error ${who.user.handle}] ${e.message}`));
  return { context, page };
}

/** The incoming-call overlay (a modal dialog named after the caller). */
export function ringerOf(page: import("playwright-core").Page) {
  return page.getByRole("dialog", { name: /is calling you|vous appelle|ti sta chiamando/ });
}

/**
 * At each size, these controls are inside the viewport as the page is (no scrolling to reach
 * them), and nothing on the page is wider than the screen.
 */
export async function assertFits(
  page: import("playwright-core").Page,
  what: string,
  controls: import("playwright-core").Locator[],
  sizes = [{ width: 360, height: 740 }, { width: 1280, height: 800 }],
): Promise<void> {
  const original = page.viewportSize();
  try {
    for (const size of sizes) {
      await page.setViewportSize(size);
      await page.waitForTimeout(150);
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      if (sw > size.width) throw new Error(`${what} at ${size.width}x${size.height}: the page is ${sw} px wide`);
      for (const c of controls) {
        const box = await c.boundingBox();
        const inside = box && box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width &&
          box.y + box.height <= size.height;
        if (!inside) {
          throw new Error(
            `${what} at ${size.width}x${size.height}: ${c} is outside the viewport (${JSON.stringify(box)})`,
          );
        }
      }
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

/** Screenshots of what the screen shows (not the whole page) at 360x740 and 1280x800. */
export async function viewShots(page: import("playwright-core").Page, name: string): Promise<void> {
  const dir = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
  await Deno.mkdir(dir, { recursive: true });
  const original = page.viewportSize();
  for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${dir}/${name}-${size.width}.png` });
  }
  if (original) await page.setViewportSize(original);
}

/** A call's lock when the call is end-to-end encrypted. */
export const ENCRYPTED_LOCK = '.call-pill.e2ee[data-e2ee="encrypted"]';

/** The code in the lock's sheet of a call page in Chromium (the sheet closed again). */
export async function codeOn(p: import("playwright-core").Page): Promise<string> {
  await p.getByRole("button", { name: /^End-to-end encrypted/ }).click();
  const sheet = p.getByRole("dialog", { name: "End-to-end encryption" });
  const code = (await sheet.getByTestId("e2ee-code").textContent())!.trim();
  await p.keyboard.press("Escape");
  await sheet.waitFor({ state: "detached" });
  return code;
}
