// `deno task start` as a self-hoster runs it: one part at a time with this host's settings (none
// overwritten), and in production mode not at all with a development or missing secret.
import assert from "node:assert/strict";
import { freePort, waitFor } from "./support/party.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The ports something listens on over TCP (IPv4 and IPv6), from /proc. */
async function listening(): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await Deno.readTextFile(f).catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A") ports.add(parseInt(cols[1].split(":").at(-1)!, 16));
    }
  }
  return ports;
}

function start(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("SPAZIO_")));
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/start.ts", "--no-setup", ...args],
    cwd: ROOT,
    env: { ...clean, NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("--only web starts the web alone, on the settings given", async () => {
  const dir = await Deno.makeTempDir({ prefix: "spazio-start-" });
  const [web, party, sfu] = [freePort(), freePort(), freePort()];
  const child = start(["--only", "web"], {
    SPAZIO_PORT: String(web),
    SPAZIO_PARTY_PORT: String(party),
    SPAZIO_SFU_PORT: String(sfu),
    SPAZIO_KV: `${dir}/spazio.kv`,
    // Another host's party server: the web must send pages there, not to its own default.
    SPAZIO_PARTY_URL: "http://198.18.0.20:1999",
    SPAZIO_PARTY_PUBLIC_URL: "https://party.spazio.test",
  }).spawn();
  let log = "";
  const read = (s: typeof child.stdout) =>
    s.pipeThrough(new TextDecoderStream()).pipeTo(new WritableStream({ write: (t) => void (log += t) }));
  const done = Promise.all([read(child.stdout), read(child.stderr)]);
  try {
    await waitFor("the web to answer", async () => {
      const res = await fetch(`http://127.0.0.1:${web}/`).catch(() => null);
      await res?.body?.cancel();
      return res?.ok ? true : undefined;
    }, 60_000).catch((e) => {
      throw new Error(`${e.message}\n${log}`);
    });
    assert.match(log, new RegExp(`listening on http://127\\.0\\.0\\.1:${web}`), log);
    const ports = await listening();
    assert(!ports.has(party), "no party server was started");
    assert(!ports.has(sfu), "no SFU was started");
    const res = await fetch(`http://127.0.0.1:${web}/`);
    await res.body?.cancel();
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /connect-src[^;]*wss:\/\/party\.spazio\.test/, `the page may reach the given party: ${csp}`);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await done.catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("production mode with a development or missing secret does not start, naming the variable", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SPAZIO_ENV: "production" }, /SPAZIO_ROOM_SECRET is not set[\s\S]*SPAZIO_SERVER_SECRET is not set/],
    [
      {
        SPAZIO_PUBLIC_URL: "https://spazio.test",
        SPAZIO_ROOM_SECRET: "spazio-dev-room-secret-change-me-in-production",
        SPAZIO_SERVER_SECRET: "s".repeat(40),
      },
      /SPAZIO_ROOM_SECRET is the development secret/,
    ],
  ];
  for (const [env, message] of cases) {
    const port = freePort();
    const out = await start(["--only", "web"], { ...env, SPAZIO_PORT: String(port) }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 1, text);
    assert.match(text, message);
    assert(!(await listening()).has(port), "nothing listens");
  }
});
