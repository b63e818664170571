// /api/spaces: the live Spaces the home shows (GET, with the home's filters), and start a Space
// now or schedule one (POST).
//
// The home follows the live list by polling this (islands/LiveSpaces.tsx) rather than by a
// server-sent stream: the list lives in KV, which any web instance reads, while a stream would
// need every room push fanned out to every instance and one open connection per home page. The
// answer carries an ETag of its body, so a poll that finds nothing new is a 304 without one.
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { SpaceService } from "../../../lib/server/spaces/service.ts";
import { homeFilters, liveAnswer, liveCards } from "../../../lib/server/spaces/public_view.ts";
import type { SpaceCreated } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async GET(c) {
    const spaces = await liveCards(c.get("deps"), c.get("user"), homeFilters((k) => c.req.query(k)));
    const { body, etag } = await liveAnswer(spaces);
    // The order depends on whom the reader follows: private, and asked again on every poll.
    const headers = { etag, "cache-control": "private, no-cache", vary: "cookie" };
    const seen = (c.req.header("if-none-match") ?? "").split(",").map((s) => s.trim().replace(/^W\//, ""));
    if (seen.includes(etag.replace(/^W\//, ""))) return c.body(null, 304, headers);
    return c.body(body, 200, { ...headers, "content-type": "application/json; charset=utf-8" });
  },
  async POST(c) {
    const space = await new SpaceService(c.get("deps")).create(requireUser(c), await c.req.json().catch(() => null));
    return c.json({ ok: true, id: space.id, url: `/s/${space.id}`, status: space.status } satisfies SpaceCreated, 201);
  },
};
