// Starts the party rooms for tests and benches the way production self-hosts them
// (scripts/party_server.ts: PartyKit's facade on workerd, no dev server), on a free port with its
// own persist dir, and drives Space rooms over real WebSockets and signed HTTP, the way browsers
// and the web do. Every wait has a deadline, so a broken room fails a test instead of hanging it.
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import { type MintInput, mintRoomToken, signRequest } from "../../lib/protocol/token.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PARTY_SERVER = `${ROOT}scripts/party_server.ts`;

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A running party server (`deno task party`; named PartyDev from when it was `partykit dev`). Stop
 * it with stop(); restart() keeps the same port and storage.
 */
export class PartyDev {
  #child: Deno.ChildProcess | undefined;
  #log: string[] = [];
  private constructor(
    readonly port: number,
    readonly persistDir: string,
    readonly vars: Record<string, string>,
    /** Where its bundle and workerd config are written (each server has its own). */
    readonly buildDir: string,
  ) {}

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

  static async start(
    opts: { vars?: Record<string, string>; persistDir?: string } = {},
  ): Promise<PartyDev> {
    const persistDir = opts.persistDir ?? (await Deno.makeTempDir({ prefix: "spazio-party-" }));
    const buildDir = await Deno.makeTempDir({ prefix: "spazio-party-build-" });
    const dev = new PartyDev(freePort(), persistDir, opts.vars ?? {}, buildDir);
    await dev.#spawn();
    return dev;
  }

  async #spawn() {
    // The settings reach the rooms through the environment, as in production; the rooms call each
    // other (Space room <-> audience shards) at this server's own address.
    // Only the settings given here: none leaks in from the environment the tests run in.
    const inherited = Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("SPAZIO_"));
    const env = {
      ...Object.fromEntries(inherited),
      NO_COLOR: "1",
      SPAZIO_PARTY_HOST: "127.0.0.1",
      SPAZIO_PARTY_PORT: String(this.port),
      SPAZIO_PARTY_PERSIST: this.persistDir,
      SPAZIO_PARTY_URL: this.http,
      ...this.vars,
    };
    // setsid: the script starts workerd as a child; a process group lets stop() end both.
    this.#child = new Deno.Command("setsid", {
      args: [Deno.execPath(), "run", "-A", PARTY_SERVER, "--out", this.buildDir],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env,
      clearEnv: true,
    }).spawn();
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (t) => void this.#log.push(t) }),
      )
        .catch(() => {});
    }
    await waitFor("the party server to answer", async () => {
      try {
        const res = await fetch(`${this.http}/healthz`);
        await res.body?.cancel();
        return res.status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 60_000).catch(async (err) => {
      // Not left running (partykit and its workerd) when it never came up.
      const log = this.log;
      await this.stop();
      throw new Error(`${err.message}\n${log}`);
    });
  }

  async stop() {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    try {
      Deno.kill(-child.pid, "SIGTERM");
    } catch { /* already gone */ }
    const done = await Promise.race([
      child.status.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 5_000)),
    ]);
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
    await Deno.remove(this.buildDir, { recursive: true }).catch(() => {});
  }
}

/** A person as the web would name them in a token. */
export type TestPerson = { sub: string; handle?: string; name?: string };

export function spaceToken(
  spaceId: string,
  who: TestPerson,
  extra: Partial<MintInput> = {},
  now?: number,
) {
  return mintRoomToken(DEV_ROOM_SECRET, { aud: "space", room: spaceId, ...who, ...extra }, now);
}

/**
 * A JSON answer as tests read it. Typed loosely on purpose: a test probes the fields a client
 * would use, and a missing one fails its assertion. Declared here so that the answer stays `any`
 * even when Cloudflare's types (whose Response.json() gives unknown) are in the same program.
 */
// deno-lint-ignore no-explicit-any
export type Answer = any;

/** GETs a URL and reads its JSON body. */
export async function getJson(url: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  return await res.json();
}

/**
 * A signed GET of a Space room (its public snapshot, or `?reports` / `?timeline` in `query`), as the
 * web sends it; an unsigned one is refused.
 */
export async function roomGet(
  dev: PartyDev,
  spaceId: string,
  query = "",
  secret = DEV_SERVER_SECRET,
): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${dev.http}/parties/space/${spaceId}${query}`, { headers: await signRequest(secret, "") });
  return { status: res.status, body: (await res.json()) as Answer };
}

/** A signed POST to a Space room, as the web or the SFU sends it. */
export async function roomPost(
  dev: PartyDev,
  spaceId: string,
  body: unknown,
  secret = DEV_SERVER_SECRET,
): Promise<{ status: number; body: Answer }> {
  const text = JSON.stringify(body);
  const res = await fetch(`${dev.http}/parties/space/${spaceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(secret, text)) },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

export async function initSpace(
  dev: PartyDev,
  spaceId: string,
  host: TestPerson,
  extra: Record<string, unknown> = {},
) {
  const res = await roomPost(dev, spaceId, {
    type: "init",
    spaceId,
    title: `Space ${spaceId}`,
    host,
    ...extra,
  });
  if (res.status !== 200) throw new Error(`init failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let spaceCounter = 0;
/** A Space id no other test uses, so tests sharing a server do not see each other. */
export const newSpaceId = (tag = "t") => `${tag}${Date.now().toString(36)}${(++spaceCounter).toString(36)}`;

/** Deno.test without the leak checks: the shared dev server outlives single tests by design. */
export function partyTest(name: string, fn: () => Promise<void>) {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}
