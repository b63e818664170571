// /api/contacts: my contacts.
import { requireUser } from "../../../lib/http/guards.ts";
import type { Handlers } from "../../../lib/http/route.ts";
import { card } from "../../../lib/people/card.ts";

export const handler: Handlers = {
  async GET(c) {
    const me = requireUser(c);
    const { users, social } = c.get("deps");
    return c.json({ contacts: (await users.getMany(await social.contactIds(me.id))).map((u) => card(u, true)) });
  },
};
