import assert from "node:assert/strict";
import { SocialStore } from "./social.ts";
import { HandleTakenError, UserStore } from "./users.ts";

const pk = (id: string) => ({
  id,
  publicKey: new Uint8Array([1]),
  counter: 0,
  transports: [],
  createdAt: 0,
  label: "t",
});

Deno.test("people search is prefix, case- and accent-insensitive, and follows renames", async () => {
  const kv = await Deno.openKv(":memory:");
  const users = new UserStore(kv);
  const zoe = await users.create({ handle: "zoe_k", displayName: "Zoé Kravitz" }, pk("c1"));
  await users.create({ handle: "zeno", displayName: "Zeno of Elea" }, pk("c2"));
  const names = async (q: string) => (await users.search(q)).map((u) => u.handle).sort();
  assert.deepEqual(await names("ZOE"), ["zoe_k"]);
  assert.deepEqual(await names("kra"), ["zoe_k"]);
  assert.deepEqual(await names("z"), ["zeno", "zoe_k"]);
  assert.deepEqual(await names("@zen"), ["zeno"]);
  assert.deepEqual(await names("elea"), ["zeno"]);
  assert.deepEqual(await names(""), []);
  await users.update(zoe.id, { displayName: "Zoë Ångström" });
  assert.deepEqual(await names("kra"), [], "the old name no longer finds her");
  assert.deepEqual(await names("angs"), ["zoe_k"]);
  kv.close();
});

Deno.test("a handle is unique case-insensitively; the loser's write changes nothing", async () => {
  const kv = await Deno.openKv(":memory:");
  const users = new UserStore(kv);
  await users.create({ handle: "sam", displayName: "Sam" }, pk("c1"));
  await assert.rejects(users.create({ handle: "sam", displayName: "Other" }, pk("c2")), HandleTakenError);
  assert.equal(await users.passkey("c2"), null);
  assert.deepEqual((await users.search("other")).length, 0);
  kv.close();
});

Deno.test("follow counts stay consistent through repeats, unfollows and blocks", async () => {
  const kv = await Deno.openKv(":memory:");
  const s = new SocialStore(kv);
  assert.equal(await s.follow("a", "b"), true);
  assert.equal(await s.follow("a", "b"), false, "following twice changes nothing");
  await s.follow("c", "b");
  await Promise.all([s.follow("d", "b"), s.follow("e", "b"), s.follow("f", "b")]);
  assert.deepEqual(await s.counts("b"), { followers: 5, following: 0 });
  assert.deepEqual(await s.counts("a"), { followers: 0, following: 1 });
  await s.unfollow("c", "b");
  await s.block("b", "a");
  assert.deepEqual(await s.counts("b"), { followers: 3, following: 0 });
  assert.equal(await s.follows("a", "b"), false);
  assert.equal(await s.eitherBlocks("a", "b"), true);
  await s.unblock("b", "a");
  assert.equal(await s.eitherBlocks("a", "b"), false);
  kv.close();
});
