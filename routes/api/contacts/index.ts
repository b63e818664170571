// /api/contacts: my contacts.
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { card } from "../../../lib/server/people_card.ts";

export const handler: Handlers = {
  async GET(c) {
    const me = requireUser(c);
    const { users, social } = c.get("deps");
    return c.json({ contacts: (await users.getMany(await social.contactIds(me.id))).map((u) => card(u, true)) });
  },
};
