// Stopping the SFU (a deploy, a restart) is not the end of anyone's Space: peers are told 1012,
// "service restart, connect again", never the room-closed code that browsers read as "it ended".
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SfuCloseCode } from "../../lib/protocol/sfu.ts";
import { FakeParty } from "./support/fake-party.ts";
import { SignalClient } from "./support/signal-client.ts";
import { type RunningSfu, sfuToken, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;

before(async () => {
  party = await FakeParty.start();
  party.call("stopcall-01", "u:caller05", "u:callee05", "accepted");
  sfu = await startSfu({ SPAZIO_PARTY_URL: party.url });
});

after(async () => {
  await sfu?.stop();
  await party?.close();
});

test("SIGTERM closes every peer with 1012, and the process exits cleanly", async () => {
  const space = await SignalClient.connect(sfu.wsUrl(await sfuToken("s_stopping", "u:listen05")));
  await space.request("createTransport", { direction: "recv" });
  const call = await SignalClient.connect(sfu.wsUrl(await sfuToken("c_stopcall-01", "u:caller05")));
  assert.equal((await sfu.health()).rooms.length, 2);
  await sfu.stop();
  for (const c of [space, call]) {
    const closed = await c.closed;
    assert.equal(closed.code, SfuCloseCode.serviceRestart);
    assert.notEqual(closed.code, SfuCloseCode.roomClosed);
  }
  assert.deepEqual(await sfu.exited, { code: 0, signal: null });
  assert.doesNotMatch(sfu.stderr(), /error/i);
});
