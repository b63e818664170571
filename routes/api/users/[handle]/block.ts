// /api/users/<handle>/block: block (PUT) or unblock (DELETE); live Spaces I host follow at once.
import { otherPerson } from "../../../../lib/server/http/params.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { SpaceService } from "../../../../lib/server/spaces/service.ts";
import type { BlockChanged } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async PUT(c) {
    const { me, them } = await otherPerson(c);
    const { social } = c.get("deps");
    await social.block(me.id, them.id);
    // Live Spaces the blocker hosts put the blocked person out at once.
    await new SpaceService(c.get("deps")).pushBlocks(me);
    return c.json(
      { ok: true, blocked: true, followers: (await social.counts(them.id)).followers } satisfies BlockChanged,
    );
  },
  async DELETE(c) {
    const { me, them } = await otherPerson(c);
    await c.get("deps").social.unblock(me.id, them.id);
    await new SpaceService(c.get("deps")).pushBlocks(me);
    return c.json({ ok: true, blocked: false } satisfies BlockChanged);
  },
};
