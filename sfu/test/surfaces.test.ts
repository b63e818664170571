// What the SFU shows and to whom: the public /healthz says whether it is whole and how loaded,
// never room ids or worker pids; the detail needs the server secret; with an internal listener
// (SPAZIO_SFU_INTERNAL_PORT) the public port carries only /ws and /healthz; in production mode a
// development or short secret stops it before it listens, naming the variable.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import { signRequest } from "../../lib/protocol/token.ts";
import { type RunningSfu, startSfu } from "./support/sfu-process.ts";

const SFU_DIR = fileURLToPath(new URL("..", import.meta.url));
const GRANT = {
  room: "s_surface",
  sub: "u:someone",
  canSpeak: false,
  muted: false,
  admitted: true,
  video: false,
  seq: 1,
};

async function signedPost(url: string, body: unknown) {
  const text = JSON.stringify(body);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(DEV_SERVER_SECRET, text)) },
    body: text,
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

describe("one listener", () => {
  let sfu: RunningSfu;
  before(async () => {
    sfu = await startSfu();
  });
  after(() => sfu?.stop());

  test("the public /healthz tells whole and load, not room ids or pids", async () => {
    await sfu.control("/control/grant", GRANT);
    const body = await (await fetch(`${sfu.url}/healthz`)).json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["load", "ok", "sfuId", "workers"]);
    assert.equal(body.ok, true);
    const text = JSON.stringify(body);
    for (const pid of await sfu.workerPids()) assert(!text.includes(String(pid)), "no worker pid");
  });

  test("the detail needs the server secret", async () => {
    const unsigned = await fetch(`${sfu.url}/control/health`);
    assert.equal(unsigned.status, 401);
    const detail = await sfu.health();
    assert.equal(detail.workerList.length, 1);
    assert.deepEqual(detail.workerList.map((w) => w.pid), await sfu.workerPids());
  });
});

describe("an internal listener", () => {
  let sfu: RunningSfu;
  before(async () => {
    sfu = await startSfu({ SPAZIO_SFU_INTERNAL_PORT: "0" });
  });
  after(() => sfu?.stop());

  test("the public port refuses the control, internal and detail endpoints; the internal one serves them", async () => {
    assert.notEqual(sfu.internalUrl, sfu.url);
    for (const path of ["/control/grant", "/internal/grant"]) {
      const res = await signedPost(`${sfu.url}${path}`, GRANT);
      assert.equal(res.status, 404, path);
    }
    assert.equal((await fetch(`${sfu.url}/control/health`)).status, 404);
    assert.equal((await fetch(`${sfu.url}/healthz`)).status, 200);
    const granted = await signedPost(`${sfu.internalUrl}/control/grant`, GRANT);
    assert.equal(granted.status, 200);
    assert.equal((await sfu.health()).ok, true);
  });

  test("the internal port takes no signalling socket", async () => {
    const res = await fetch(`${sfu.internalUrl}/ws`, { headers: { connection: "Upgrade", upgrade: "websocket" } })
      .catch((err) => ({ status: 0, err }));
    assert.notEqual(res.status, 101);
  });
});

test("production mode with a development or short secret exits before listening, naming the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SPAZIO_ENV: "production" }, /SPAZIO_ROOM_SECRET is not set[\s\S]*SPAZIO_SERVER_SECRET is not set/],
    [
      {
        SPAZIO_PUBLIC_URL: "https://spazio.test",
        SPAZIO_ROOM_SECRET: "r".repeat(40),
        SPAZIO_SERVER_SECRET: DEV_SERVER_SECRET,
      },
      /SPAZIO_SERVER_SECRET is the development secret/,
    ],
    [
      { SPAZIO_ENV: "production", SPAZIO_ROOM_SECRET: "short", SPAZIO_SERVER_SECRET: "s".repeat(40) },
      /SPAZIO_ROOM_SECRET is 5 characters/,
    ],
  ];
  for (const [env, message] of cases) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SPAZIO_")));
    const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: SFU_DIR,
      env: { ...clean, SPAZIO_SFU_PORT: "0", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(run.status, 1, JSON.stringify(env));
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stdout, /listening/);
  }
});
