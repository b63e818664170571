// The party server as production self-hosts it (`deno task party`, scripts/party_server.ts):
// PartyKit's facade on workerd, bound where it is told, with nothing else listening (no debugger
// on 9229, no stray port), secrets from the environment or a file and never on a command line,
// rooms kept on disk across a restart, and in production mode no start on a development secret.
import { deepStrictEqual as assertEquals, match as assertMatch, ok as assert } from "node:assert/strict";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { mintRoomToken, signRequest } from "../lib/protocol/token.ts";
import { type Answer, freePort, waitFor } from "./support/party.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SCRIPT = `${ROOT}scripts/party_server.ts`;
const ROOM_SECRET = `room-${crypto.randomUUID()}`;
const SERVER_SECRET = `server-${crypto.randomUUID()}`;
/** Not 127.0.0.1: a server that ignored the setting would not be found here. */
const HOST = "127.0.0.2";

/** The environment the test runs in, without its own Spazio settings. */
const baseEnv = () => Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("SPAZIO_")));

class Server {
  #log: string[] = [];
  #read: Promise<unknown>[];
  private constructor(readonly child: Deno.ChildProcess) {
    this.#read = [child.stdout, child.stderr].map((stream) =>
      stream.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write: (t) => void this.#log.push(t) }))
        .catch(() => {})
    );
  }
  /** Its exit status, once all it printed is in the log. */
  async exited() {
    const status = await this.child.status;
    await Promise.all(this.#read);
    return status;
  }
  get log() {
    return this.#log.join("");
  }

  /** Starts the script in its own process group (it starts workerd), as an operator would. */
  static spawn(env: Record<string, string>, buildDir: string) {
    return new Server(
      new Deno.Command("setsid", {
        args: [Deno.execPath(), "run", "-A", SCRIPT, "--out", buildDir],
        cwd: ROOT,
        env: { ...baseEnv(), NO_COLOR: "1", ...env },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn(),
    );
  }

  /** Every process it started: its process group. */
  pids(): number[] {
    const pids: number[] = [];
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        // pgrp is the 5th field; the command name (2nd) may hold spaces, so count after its ")".
        const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) === this.child.pid) pids.push(Number(e.name));
      } catch { /* gone meanwhile */ }
    }
    return pids;
  }

  async stop() {
    try {
      Deno.kill(-this.child.pid, "SIGTERM");
    } catch { /* already gone */ }
    await this.child.status;
  }
}

/** `a.b.c.d:port` (or `[v6]:port`) of each listening TCP socket and bound UDP socket of `pids`. */
function listeningOf(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
        const target = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
        const m = target.match(/^socket:\[(\d+)\]$/);
        if (m) inodes.add(m[1]);
      }
    } catch { /* gone meanwhile */ }
  }
  const found: string[] = [];
  for (const [file, listenState] of [["tcp", "0A"], ["tcp6", "0A"], ["udp", "07"], ["udp6", "07"]]) {
    const rows = Deno.readTextFileSync(`/proc/net/${file}`).trim().split("\n").slice(1);
    for (const row of rows) {
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state !== listenState || !inodes.has(inode)) continue;
      const [hex, port] = local.split(":");
      const address = hex.length === 8
        ? [0, 1, 2, 3].map((i) => parseInt(hex.slice(6 - 2 * i, 8 - 2 * i), 16)).join(".")
        : `[${hex}]`;
      found.push(`${file.startsWith("udp") ? "udp " : ""}${address}:${parseInt(port, 16)}`);
    }
  }
  return found.sort();
}

async function signedPost(url: string, body: unknown, secret: string) {
  const text = JSON.stringify(body);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(secret, text)) },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

/** What a browser holding `token` gets from the room: its first event, or the close. */
function firstWord(url: string): Promise<Answer> {
  const ws = new WebSocket(url);
  return new Promise((resolve) => {
    ws.onmessage = (e) => {
      resolve(JSON.parse(e.data));
      ws.close();
    };
    ws.onclose = (e) => resolve({ closed: e.code, reason: e.reason });
    ws.onerror = () => {};
  });
}

Deno.test({
  name: "the party server binds where told, answers rooms with its own secrets, keeps them on disk, opens nothing else",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freePort();
    const persist = await Deno.makeTempDir({ prefix: "spazio-party-server-" });
    const buildDir = await Deno.makeTempDir({ prefix: "spazio-party-build-" });
    const secretFile = await Deno.makeTempFile({ prefix: "spazio-server-secret-" });
    await Deno.writeTextFile(secretFile, `${SERVER_SECRET}\n`);
    const env = {
      SPAZIO_ENV: "production",
      SPAZIO_PARTY_HOST: HOST,
      SPAZIO_PARTY_PORT: String(port),
      SPAZIO_PARTY_PERSIST: persist,
      SPAZIO_ROOM_SECRET: ROOM_SECRET,
      SPAZIO_SERVER_SECRET_FILE: secretFile,
      SPAZIO_ALLOWED_ORIGINS: "https://spazio.test",
    };
    const http = `http://${HOST}:${port}`;
    let server = Server.spawn(env, buildDir);
    try {
      await waitFor("the listening line", () => server.log.includes(`listening on ${http}`) || undefined, 60_000)
        .catch((err) => {
          throw new Error(`${err.message}\n${server.log}`);
        });

      // A room answers, signed with the secret from the file; the published one is refused.
      const id = `srv${Date.now().toString(36)}`;
      const init = { type: "init", spaceId: id, title: "Held on disk", host: { sub: "u:host0001", handle: "hosta" } };
      assertEquals((await signedPost(`${http}/parties/space/${id}`, init, DEV_SERVER_SECRET)).status, 401);
      const made = await signedPost(`${http}/parties/space/${id}`, init, SERVER_SECRET);
      assertEquals(made.status, 200, JSON.stringify(made.body));

      // A browser's socket: the room secret from the environment admits, the published one does not.
      const wsUrl = async (secret: string) =>
        `ws://${HOST}:${port}/parties/space/${id}?token=${
          encodeURIComponent(await mintRoomToken(secret, { aud: "space", room: id, sub: "u:listen01", handle: "lis" }))
        }`;
      const sync = await firstWord(await wsUrl(ROOM_SECRET));
      assertEquals([sync.type, sync.space?.title], ["sync", "Held on disk"]);
      const refused = await firstWord(await wsUrl(DEV_ROOM_SECRET));
      assert(
        refused.type !== "sync",
        `a token signed with the published secret was let in: ${JSON.stringify(refused)}`,
      );

      // Nothing but the named address and port: no inspector (9229), no second port.
      const pids = server.pids();
      assert(pids.length >= 2, `expected the script and workerd, found pids ${pids}`);
      assertEquals(listeningOf(pids), [`${HOST}:${port}`]);
      await assertRejectsConnect("127.0.0.1", port);

      // No secret on any command line (ps shows them to every user of the host).
      for (const pid of pids) {
        const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
        assert(!cmdline.includes(ROOM_SECRET) && !cmdline.includes(SERVER_SECRET), `secret in ${pid}: ${cmdline}`);
      }

      // Stopped and started again on the same folder, the Space is still there.
      await server.stop();
      server = Server.spawn(env, buildDir);
      await waitFor("the listening line again", () => server.log.includes(`listening on ${http}`) || undefined, 60_000);
      const again = await fetch(`${http}/parties/space/${id}`, { headers: await signRequest(SERVER_SECRET, "") });
      assertEquals([again.status, (await again.json()).space?.title], [200, "Held on disk"]);
    } finally {
      await server.stop();
      for (const p of [persist, buildDir, secretFile]) await Deno.remove(p, { recursive: true }).catch(() => {});
    }
  },
});

async function assertRejectsConnect(hostname: string, port: number) {
  try {
    (await Deno.connect({ hostname, port })).close();
  } catch {
    return;
  }
  throw new Error(`something answers on ${hostname}:${port}`);
}

Deno.test({
  name: "in production mode the party server refuses development, short and missing secrets, naming the variable",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const good = "g".repeat(44);
    const cases: [Record<string, string>, RegExp[]][] = [
      [
        { SPAZIO_ENV: "production", SPAZIO_ROOM_SECRET: DEV_ROOM_SECRET, SPAZIO_SERVER_SECRET: good },
        [/SPAZIO_ROOM_SECRET is the development secret/],
      ],
      [
        { SPAZIO_PUBLIC_URL: "https://spazio.test", SPAZIO_ROOM_SECRET: good, SPAZIO_SERVER_SECRET: DEV_SERVER_SECRET },
        [/SPAZIO_SERVER_SECRET is the development secret/],
      ],
      [
        { SPAZIO_ENV: "production", SPAZIO_ROOM_SECRET: good, SPAZIO_SERVER_SECRET: "short-secret" },
        [/SPAZIO_SERVER_SECRET is 12 characters/],
      ],
      [{ SPAZIO_ENV: "production" }, [/SPAZIO_ROOM_SECRET is not set/, /SPAZIO_SERVER_SECRET is not set/]],
    ];
    for (const [settings, messages] of cases) {
      const port = freePort();
      const buildDir = await Deno.makeTempDir({ prefix: "spazio-party-build-" });
      const persist = `${buildDir}/data`;
      const server = Server.spawn(
        { ...settings, SPAZIO_PARTY_HOST: HOST, SPAZIO_PARTY_PORT: String(port), SPAZIO_PARTY_PERSIST: persist },
        buildDir,
      );
      // It exits, or (the failure) it says it listens: then it is stopped and the test fails.
      let exited: Deno.CommandStatus | undefined;
      server.exited().then((s) => exited = s);
      const started = await waitFor("an exit or a listening line", () => {
        if (server.log.includes("listening on")) return true;
        return exited ? false : undefined;
      }, 60_000);
      if (started) await server.stop();
      const status = await server.exited();
      await Deno.remove(buildDir, { recursive: true }).catch(() => {});
      assert(!started && !status.success, `started with ${JSON.stringify(settings)}:\n${server.log}`);
      for (const m of messages) assertMatch(server.log, m);
      assertMatch(server.log, /refuses to start in production mode/);
    }
  },
});
