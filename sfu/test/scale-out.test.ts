// Past the per-router threshold, new listeners go to a router on the other worker fed by
// pipeToRouter; they hear the speaker like everyone else, and the room is asked for grants it
// has not sent (the Space room's side stands in as a small signed HTTP endpoint here).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import { GetGrantRequest } from "../../lib/protocol/sfu.ts";
import { verifyRequest } from "../../lib/protocol/token.ts";
import { MediaPeer } from "./support/media-peer.ts";
import { eventually, type RunningSfu, sfuToken, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: http.Server;
const asked: string[] = [];
const peers: MediaPeer[] = [];
let listeners: MediaPeer[] = [];

before(async () => {
  // The Space room's getGrant, as the contract in lib/protocol/sfu.ts states it.
  party = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const signed = await verifyRequest(DEV_SERVER_SECRET, body, { get: (n) => (req.headers[n] as string) ?? null });
      const parsed = GetGrantRequest.safeParse(JSON.parse(body || "null"));
      if (!signed || !parsed.success || req.url !== "/parties/space/pulled") return res.writeHead(401).end();
      asked.push(parsed.data.sub);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ canSpeak: parsed.data.sub === "u:onstage", muted: false, seq: 1 }));
    });
  });
  await new Promise<void>((r) => party.listen(0, "127.0.0.1", r));
  sfu = await startSfu({
    SPAZIO_SFU_WORKERS: "2",
    SPAZIO_SFU_LISTENERS_PER_ROUTER: "1",
    SPAZIO_PARTY_URL: `http://127.0.0.1:${(party.address() as AddressInfo).port}`,
  });
});

after(async () => {
  for (const p of peers) p.close();
  await sfu?.stop();
  party.close();
});

async function join(room: string, sub: string) {
  const peer = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, sub)));
  peers.push(peer);
  return peer;
}

test("listeners past the per-router threshold hear the speaker through piped routers", async () => {
  const room = "s_pulled";
  const speaker = await join(room, "u:onstage");
  listeners = [await join(room, "a:first01"), await join(room, "a:second1"), await join(room, "a:third01")];
  for (const l of listeners) await l.listen();
  // No grant was pushed: the SFU asks the room, which says this person is on stage.
  await speaker.speak();
  assert.deepEqual(asked, ["u:onstage"]);
  for (const l of listeners) await eventually(async () => (await l.inboundBytes()) > 1000, 8000, "audio at every listener");
  const health = (await (await fetch(`${sfu.url}/healthz`)).json()) as { routers: number };
  // One router per worker: the third listener shares a router rather than doubling up a worker.
  assert.equal(health.routers, 2, "listeners spread over both workers' routers");
});

test("the room's answer also refuses: a listener it has not put on stage cannot produce", async () => {
  const intruder = await join("s_pulled", "a:notonstage");
  await assert.rejects(intruder.speak(), /forbidden/);
  assert.ok(asked.includes("a:notonstage"));
});

/** Kills one worker and waits until every listener hears the speaker again, within 10 s. */
async function killAndRecover(pid: number): Promise<void> {
  process.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  for (const l of listeners) {
    await eventually(
      async () => {
        await l.rebuilt();
        const before = await l.inboundBytes();
        await new Promise((r) => setTimeout(r, 300));
        return (await l.inboundBytes()) > before;
      },
      10_000 - (Date.now() - killedAt),
      `audio flowing again at listener ${listeners.indexOf(l) + 1}`,
    );
  }
  assert.ok(Date.now() - killedAt < 10_000);
}

// Workers start in order, and the first (lowest pid) takes the room's primary router.
test("when the overflow router's worker dies, every listener hears the speaker again within 10 s", async () => {
  const pids = (await sfu.workerPids()).sort((a, b) => a - b);
  assert.equal(pids.length, 2);
  await killAndRecover(pids[1]);
});

test("when the primary router's worker dies, every listener hears the speaker again within 10 s", async () => {
  const pids = (await sfu.workerPids()).sort((a, b) => a - b);
  await killAndRecover(pids[0]);
});
