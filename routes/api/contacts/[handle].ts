// /api/contacts/<handle>: add someone to my contacts (PUT) or take them out (DELETE).
import { otherPerson } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import type { ContactChanged } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async PUT(c) {
    const { me, them } = await otherPerson(c);
    await c.get("deps").social.addContact(me.id, them.id);
    return c.json({ ok: true, contact: true } satisfies ContactChanged);
  },
  async DELETE(c) {
    const { me, them } = await otherPerson(c);
    await c.get("deps").social.removeContact(me.id, them.id);
    return c.json({ ok: true, contact: false } satisfies ContactChanged);
  },
};
