// The web's settings from the environment: the ring time's bounds.
import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("SPAZIO_RING_MS: unset or empty keeps the default; 5-60 s is taken; anything else stops the start", () => {
  assert.equal(loadConfig({}).ringMs, undefined);
  assert.equal(loadConfig({ SPAZIO_RING_MS: "" }).ringMs, undefined);
  assert.equal(loadConfig({ SPAZIO_RING_MS: "6000" }).ringMs, 6_000);
  for (const bad of ["abc", "4999", "60001", "12.5"]) {
    assert.throws(() => loadConfig({ SPAZIO_RING_MS: bad }), /SPAZIO_RING_MS/);
  }
});
