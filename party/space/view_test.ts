// A browser that folds the room's deltas into its last `sync` must see what a fresh `sync` would
// show. Checked for every accepted command of the reducer table, from every viewer's seat.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { foldSpaceEvent, type SpaceView } from "../../lib/protocol/space_view.ts";
import { apply } from "./reducer.ts";
import { type Actor, type SpaceState, syncFor } from "./state.ts";
import { createSpace, updateBlocks, updateSpace } from "./lifecycle.ts";
import type { Delivery } from "./state.ts";
import { context, liveSpace, P, ROLES, TABLE } from "./test_fixture.ts";

const everyone = () => true;
const viewOf = (s: SpaceState, who: Actor): SpaceView => {
  const { type: _, ...view } = syncFor(s, who, 7, everyone) as Extract<
    ReturnType<typeof syncFor>,
    { type: "sync" }
  >;
  return view;
};
const VIEWERS = [...ROLES.filter((r) => r !== "removed").map((r) => P[r]), P.handUp, P.guest];

function checkFold(
  name: string,
  before: SpaceState,
  after: SpaceState,
  out: Delivery[],
  gone: string[] = [],
) {
  for (const viewer of VIEWERS) {
    if (gone.includes(viewer.sub)) continue;
    // A removed viewer's connection is closed; what it would have seen next does not matter.
    if (out.some((d) => d.to === "sub" && d.sub === viewer.sub && d.event.type === "removed")) {
      continue;
    }
    let view = viewOf(before, viewer);
    for (const d of out) {
      if (d.to === "all" || d.sub === viewer.sub) view = foldSpaceEvent(view, d.event);
    }
    assertEquals(view, viewOf(after, viewer), `${name}, seen by ${viewer.sub}`);
  }
}

for (const [type, { cmd, prepare, row }] of Object.entries(TABLE)) {
  ROLES.forEach((role, i) => {
    if (row[i] !== "ok") return;
    Deno.test(`view: deltas of ${role} -> ${type} fold into the next sync`, () => {
      const before = prepare ? prepare(liveSpace(), P[role].sub) : liveSpace();
      const r = apply(before, cmd, P[role], context(VIEWERS.map((v) => v.sub)));
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
      checkFold(`${role} -> ${type}`, before, r.state, r.out);
    });
  });
}

Deno.test("view: blocks from the web fold into the next sync", () => {
  const before = { ...liveSpace(), invited: [P.guest.sub] };
  const blocked = [P.speaker.sub, P.handUp.sub, P.guest.sub];
  const b = updateBlocks(before, blocked);
  // The room puts blocked people out, so only the others' views matter.
  checkFold("updateBlocks", before, b.state, b.out, blocked);
});

Deno.test("view: an edit of a scheduled Space folds into the next sync", () => {
  const before = createSpace({
    type: "init",
    spaceId: "sp3",
    title: "Soon",
    host: P.host,
    cohosts: [],
    speakers: [],
    blockedSubs: [],
    scheduledFor: 50_000,
  }, 1_000);
  const u = updateSpace(before, { type: "update", title: "Later", scheduledFor: 90_000 }, 2_000);
  if (typeof u === "string") throw new Error(u);
  checkFold("update", before, u.state, u.out);
});
