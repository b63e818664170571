// /api/people?q=: people whose handle or name starts with the query.
import type { Handlers } from "../../lib/server/http/route.ts";
import { card } from "../../lib/server/people_card.ts";
import type { PeopleFound } from "../../lib/protocol/api.ts";

export const handler: Handlers = {
  async GET(c) {
    const q = (c.req.query("q") ?? "").slice(0, 60);
    const found = await c.get("deps").users.search(q);
    return c.json({ results: found.map((u) => card(u)) } satisfies PeopleFound);
  },
};
