// The contracts: every name once, every path on the receiver it names, ids encoded, and the grant
// the party pushes is the grant the SFU requires (the drift this file replaced).
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import {
  INTERNAL_CONTRACTS,
  roomToShard,
  sfuGrant,
  spaceGetGrant,
  spaceStatePush,
  spaceTimeline,
} from "./internal_api.ts";

Deno.test("contracts: names are unique and paths go to the process that serves them", () => {
  const names = INTERNAL_CONTRACTS.map((c) => c.name);
  assertEquals(new Set(names).size, names.length);
  const params = { spaceId: "s p", callId: "c1", userId: "u1", shard: 2 };
  for (const c of INTERNAL_CONTRACTS) {
    // deno-lint-ignore no-explicit-any -- every contract takes the ids it needs from one bag.
    const path = (c.path as (p: any) => string)(params);
    assert(
      /^\/(parties\/(space|call|user|audience)\/|api\/internal\/|control\/|internal\/)/.test(path),
      `${c.name}: ${path}`,
    );
  }
});

Deno.test("contracts: ids in paths are encoded", () => {
  const cases: [string, string][] = [
    [spaceGetGrant.path({ spaceId: "a/b" }), "/parties/space/a%2Fb"],
    [spaceTimeline.path({ spaceId: "a" }), "/parties/space/a?timeline"],
    [roomToShard.path({ spaceId: "sp", shard: 3 }), "/parties/audience/sp.3"],
    [spaceStatePush.path({ spaceId: "x y" }), "/api/internal/spaces/x%20y/state"],
  ];
  for (const [got, want] of cases) assertEquals(got, want);
});

Deno.test("contracts: a grant without admitted or video is refused before it leaves the room", () => {
  const grant = { room: "s_space1", sub: "u:abcd", canSpeak: true, muted: false, seq: 1 };
  assertEquals(sfuGrant.request.safeParse(grant).success, false);
  assertEquals(
    sfuGrant.request.safeParse({ ...grant, admitted: true, video: false }).success,
    true,
  );
});
