// /api/users/<handle>/follow: follow (PUT) or unfollow (DELETE); nobody follows across a block.
import { HttpError } from "../../../../lib/server/http/errors.ts";
import { otherPerson } from "../../../../lib/server/http/params.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { FollowChanged } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async PUT(c) {
    const { me, them } = await otherPerson(c);
    const { social } = c.get("deps");
    if (await social.eitherBlocks(me.id, them.id)) throw new HttpError(403, "err.forbidden");
    await social.follow(me.id, them.id);
    return c.json(
      { ok: true, following: true, followers: (await social.counts(them.id)).followers } satisfies FollowChanged,
    );
  },
  async DELETE(c) {
    const { me, them } = await otherPerson(c);
    const { social } = c.get("deps");
    await social.unfollow(me.id, them.id);
    return c.json(
      { ok: true, following: false, followers: (await social.counts(them.id)).followers } satisfies FollowChanged,
    );
  },
};
