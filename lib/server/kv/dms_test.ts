// The DM store: one thread per pair, per-reader unread counts and last entries, the recency
// order of the thread list, and whether someone has ever written (the call rule reads it).
import assert from "node:assert/strict";
import { DmStore, entryId } from "./dms.ts";
import type { DmEntry } from "../../protocol/dm.ts";

async function store() {
  const kv = await Deno.openKv(":memory:");
  return { kv, dms: new DmStore(kv) };
}

const text = (from: string, to: string, text: string, at: number): DmEntry => ({
  kind: "text",
  id: entryId(at),
  from,
  to,
  text,
  at,
});

Deno.test("a thread is shared by the pair; each reader has their own unread count", async () => {
  const { kv, dms } = await store();
  await dms.append(text("ann1", "bob1", "hi Bob", 1_000));
  await dms.append(text("ann1", "bob1", "are you there?", 2_000));
  await dms.append(text("bob1", "ann1", "yes!", 3_000));
  assert.deepEqual((await dms.entries("bob1", "ann1")).map((e) => e.kind === "text" && e.text), [
    "hi Bob",
    "are you there?",
    "yes!",
  ]);
  assert.deepEqual((await dms.entries("ann1", "bob1")).length, 3);
  assert.equal((await dms.thread("bob1", "ann1"))?.unread, 2);
  assert.equal((await dms.thread("ann1", "bob1"))?.unread, 1);
  assert.equal(await dms.markRead("bob1", "ann1"), true);
  assert.equal(await dms.markRead("bob1", "ann1"), false);
  assert.equal((await dms.thread("bob1", "ann1"))?.unread, 0);
  assert.equal((await dms.thread("ann1", "bob1"))?.unread, 1);
  kv.close();
});

Deno.test("the thread list is most recent first, with each thread's last entry", async () => {
  const { kv, dms } = await store();
  await dms.append(text("ann1", "bob1", "one", 1_000));
  await dms.append(text("cat1", "ann1", "two", 2_000));
  await dms.append(text("ann1", "dan1", "three", 3_000));
  await dms.append(text("bob1", "ann1", "four", 4_000));
  const list = await dms.threads("ann1");
  assert.deepEqual(list.map((t) => t.peerId), ["bob1", "dan1", "cat1"]);
  assert.equal(list[0].last?.kind === "text" && list[0].last.text, "four");
  assert.equal(await dms.unreadTotal("ann1"), 2);
  kv.close();
});

Deno.test("hasSent counts texts only: a call entry is not a message", async () => {
  const { kv, dms } = await store();
  await dms.append({
    kind: "call",
    id: entryId(1_000),
    from: "bob1",
    to: "ann1",
    at: 1_000,
    callId: "c1",
    video: false,
    outcome: "missed",
    durationS: 0,
  });
  assert.equal(await dms.hasSent("bob1", "ann1"), false);
  assert.equal(await dms.hasSent("ann1", "bob1"), false);
  // A missed call is unread for the person called, not for the caller.
  assert.equal((await dms.thread("ann1", "bob1"))?.unread, 1);
  assert.equal((await dms.thread("bob1", "ann1"))?.unread, 0);
  await dms.append(text("ann1", "bob1", "sorry, call me back", 2_000));
  assert.equal(await dms.hasSent("ann1", "bob1"), true);
  assert.equal(await dms.hasSent("bob1", "ann1"), false);
  kv.close();
});

Deno.test("older entries page backwards by id", async () => {
  const { kv, dms } = await store();
  for (let i = 0; i < 7; i++) await dms.append(text("ann1", "bob1", `m${i}`, 1_000 + i));
  const last3 = await dms.entries("ann1", "bob1", { limit: 3 });
  assert.deepEqual(last3.map((e) => e.kind === "text" && e.text), ["m4", "m5", "m6"]);
  const before = await dms.entries("ann1", "bob1", { limit: 3, before: last3[0].id });
  assert.deepEqual(before.map((e) => e.kind === "text" && e.text), ["m1", "m2", "m3"]);
  kv.close();
});
