// /api/users/<handle>: my own profile's name and bio (PATCH; nobody else's).
import { z } from "zod";
import { FieldError, HttpError } from "../../../lib/server/http/errors.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import { userByHandle } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { Bio, DisplayName } from "../../../lib/server/kv/users.ts";
import type { ProfileSaved } from "../../../lib/protocol/api.ts";

const ProfilePatch = z.object({ displayName: z.string().max(200).optional(), bio: z.string().max(1000).optional() })
  .strict();

export const handler: Handlers = {
  async PATCH(c) {
    const me = requireUser(c);
    const target = await userByHandle(c, c.req.param("handle") ?? "");
    if (target.id !== me.id) throw new HttpError(403, "err.forbidden");
    const body = ProfilePatch.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new HttpError(400, "err.bad_request");
    const patch: { displayName?: string; bio?: string } = {};
    if (body.data.displayName !== undefined) {
      const r = DisplayName.safeParse(body.data.displayName);
      if (!r.success) {
        throw new FieldError(
          "displayName",
          r.error.issues[0].message === "name_too_long" ? "err.name_too_long" : "err.name_required",
        );
      }
      patch.displayName = r.data;
    }
    if (body.data.bio !== undefined) {
      const r = Bio.safeParse(body.data.bio);
      if (!r.success) throw new FieldError("bio", "err.bio_too_long");
      patch.bio = r.data;
    }
    const user = await c.get("deps").users.update(me.id, patch);
    return c.json(
      { ok: true, user: { handle: user.handle, displayName: user.displayName, bio: user.bio } } satisfies ProfileSaved,
    );
  },
};
