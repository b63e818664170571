import assert from "node:assert/strict";
import { jsonInScript } from "./json_in_script.ts";

Deno.test("JSON in a <script>: no value can close the element, and it parses back the same", () => {
  const v = { title: "</script><script>alert(1)</script>", note: "<!-- a -->", n: [1, "<"] };
  const out = jsonInScript(v);
  assert.ok(!out.includes("<"), out);
  assert.deepEqual(JSON.parse(out), v);
  assert.equal(jsonInScript(undefined), "null");
});
