// routes.gen.ts is the folder routes/ as scripts/routes.ts reads it: up to date, one file per
// method and path, static segments mounted before dynamic ones.
import assert from "node:assert/strict";
import { Hono } from "hono";
import routes from "../routes.gen.ts";
import { honoPath, type RouteEntry } from "../lib/server/http/route.ts";
import { compareRoutes, pathOf, renderRoutes, routeConflicts, routeFiles } from "../scripts/routes.ts";

Deno.test("routes.gen.ts lists exactly the files under routes/ (run `deno task build` if not)", async () => {
  const expected = renderRoutes(await routeFiles());
  const actual = await Deno.readTextFile(new URL("../routes.gen.ts", import.meta.url));
  assert.equal(actual, expected, "routes.gen.ts is out of date: `deno run -A scripts/routes.ts` rewrites it");
});

Deno.test("no two route files answer the same method and path", () => {
  assert.deepEqual(routeConflicts(routes), []);
  const get = { handler: { GET: () => new Response() } };
  assert.deepEqual(
    routeConflicts([{ path: "/x/:a", module: get }, { path: "/x/:b", module: get }, {
      path: "/y",
      module: { handler: {} },
    }]),
    ["GET /x/: is answered by both /x/:a and /x/:b", "/y answers no method"],
  );
  // Different methods on one path, or patterns that cannot match the same URL, are not a clash.
  assert.deepEqual(
    routeConflicts([
      { path: "/x", module: get },
      { path: "/x", module: { handler: { POST: () => new Response() } } },
      { path: "/:a", module: { ...get, params: { a: "@[a-z]+" } } },
      { path: "/:b", module: { ...get, params: { b: "[0-9]+" } } },
    ]),
    [],
  );
});

Deno.test("a file's path is its place in the folder", () => {
  const table: [string, string][] = [
    ["index.tsx", "/"],
    ["signin.tsx", "/signin"],
    ["s/[id].tsx", "/s/:id"],
    ["s/[id]/edit.tsx", "/s/:id/edit"],
    ["api/contacts/index.ts", "/api/contacts"],
    ["api/spaces/[id]/join.ts", "/api/spaces/:id/join"],
    ["sw.js.ts", "/sw.js"],
    ["manifest.webmanifest.ts", "/manifest.webmanifest"],
  ];
  for (const [file, path] of table) assert.equal(pathOf(file), path, file);
  // Hono takes a parameter only as a whole segment: a file that says otherwise is refused.
  for (const file of ["@[handle].tsx", "a/[...rest].ts", "x:y.ts"]) {
    assert.throws(() => pathOf(file), /not a segment/, file);
  }
});

Deno.test("static segments are mounted before dynamic ones, and win where both match", async () => {
  const paths = ["/spaces/:id", "/:handle", "/spaces/new", "/s/:id/edit", "/s/:id", "/"];
  assert.deepEqual(paths.sort(compareRoutes), ["/", "/s/:id", "/s/:id/edit", "/spaces/new", "/spaces/:id", "/:handle"]);

  const answer = (name: string): RouteEntry["module"] => ({ handler: { GET: (c) => c.text(name) } });
  const app = new Hono();
  const entries: RouteEntry[] = [
    { path: "/spaces/:id", module: answer("space") },
    { path: "/spaces/new", module: answer("new") },
  ].sort((a, b) => compareRoutes(a.path, b.path));
  for (const { path, module } of entries) app.on("GET", honoPath(path, module.params), module.handler.GET! as never);
  assert.equal(await (await app.request("/spaces/new")).text(), "new");
  assert.equal(await (await app.request("/spaces/abc")).text(), "space");

  // The same holds in routes.gen.ts: every static path comes before any dynamic one it could shadow.
  const order = routes.map((r) => r.path);
  assert.ok(order.indexOf("/signin") < order.indexOf("/:handle"));
  assert.ok(order.indexOf("/api/calls/incoming") < order.indexOf("/api/calls/:id/join"));
});

Deno.test("a parameter's pattern narrows its segment", () => {
  assert.equal(honoPath("/messages/:handle", { handle: "@?[a-z]{1,20}" }), "/messages/:handle{@?[a-z]{1,20}}");
  assert.equal(honoPath("/s/:id/edit"), "/s/:id/edit");
  assert.throws(() => honoPath("/s/:id", { handle: "x" }), /no \[handle\] segment/);
});
