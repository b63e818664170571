// Call settings in KV: a choice stored in the old shape (calling on/off and a checkbox per group)
// is read as the single choice that lets in the same people, and written back once; a choice saved
// meanwhile is never overwritten by the migration.
import assert from "node:assert/strict";
import { CallStore } from "./calls.ts";

const old = (enabled: boolean, ...groups: string[]) => ({
  enabled,
  allow: Object.fromEntries(["contacts", "following", "verified", "everyone"].map((g) => [g, groups.includes(g)])),
});

Deno.test("an old stored choice is migrated as it is read, and written back", async () => {
  const kv = await Deno.openKv(":memory:");
  const calls = new CallStore(kv);
  await kv.set(["call_settings", "u1"], old(true, "contacts", "following"));
  await kv.set(["call_settings", "u2"], old(false, "everyone"));
  assert.deepEqual(await calls.settings("u1"), { who: "following" });
  assert.deepEqual((await kv.get(["call_settings", "u1"])).value, { who: "following" });
  assert.deepEqual(await calls.settings("u2"), { who: "nobody" });
  assert.deepEqual((await kv.get(["call_settings", "u2"])).value, { who: "nobody" });
  assert.deepEqual(await calls.settings("nobody-stored"), { who: "following" }, "the default");
  assert.equal((await kv.get(["call_settings", "nobody-stored"])).value, null, "a default is not stored");
  kv.close();
});
