// Every role against every command of the Space protocol, through the pure reducer.
// A cell is "ok" or the error code the sender sees. Refused commands must leave state untouched.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { SPACE_COMMAND_TYPES } from "../../lib/protocol/space.ts";
import { apply } from "./reducer.ts";
import { context, liveSpace, P, type RoleName, ROLES, TABLE } from "./test_fixture.ts";

Deno.test("reducer table: lists every command of the protocol", () => {
  assertEquals(Object.keys(TABLE).sort(), [...SPACE_COMMAND_TYPES].sort());
});

for (const [type, { cmd, prepare, row }] of Object.entries(TABLE)) {
  ROLES.forEach((role: RoleName, i) => {
    const want = row[i];
    Deno.test(`reducer table: ${role} -> ${type}: ${want}`, () => {
      const actor = P[role];
      const before = prepare ? prepare(liveSpace(), actor.sub) : liveSpace();
      const frozen = structuredClone(before);
      const result = apply(before, cmd, actor, context());
      // Whatever the outcome, the state passed in is never modified in place.
      assertEquals(before, frozen);
      if (want === "ok") {
        assert(
          result.ok,
          `expected ok, got ${!result.ok && result.code}: ${!result.ok && result.message}`,
        );
        assert(result.out.length > 0, "an accepted command tells somebody");
      } else {
        assert(!result.ok, `expected ${want}, got ok`);
        assertEquals(result.code, want);
        assert(result.message.length > 10, "the error says what was wrong");
      }
    });
  });
}
