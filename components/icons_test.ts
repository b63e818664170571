// The generated icon module is what scripts/icons.ts makes from the names list: nobody edited it by
// hand and nobody forgot to run the build after adding a name.
import assert from "node:assert/strict";
import { iconsModule, TARGET } from "../scripts/icons.ts";
import { ICON_NAMES } from "./icon_names.ts";
import { ICONS } from "./icons.gen.ts";

Deno.test("components/icons.gen.ts is up to date with icon_names.ts and @tabler/icons", async () => {
  assert.equal(await Deno.readTextFile(TARGET), await iconsModule(), "run `deno run -A scripts/icons.ts`");
  assert.deepEqual(Object.keys(ICONS).sort(), Object.keys(ICON_NAMES).sort());
  for (const [name, icon] of Object.entries(ICONS)) {
    assert.match(icon.body, /^<(path|circle|rect|line|polyline|polygon|ellipse) /, name);
  }
});
