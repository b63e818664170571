// Another passkey for the signed-in account, step 2: checks it and adds it to the account.
import { PasskeyService, relyingParty } from "../../../../lib/server/auth/passkeys.ts";
import { HttpError } from "../../../../lib/server/http/errors.ts";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { PasskeyAdded } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const user = requireUser(c);
    const body = await c.req.json().catch(() => null);
    const { users, sessions } = c.get("deps");
    const { pending, passkey } = await new PasskeyService(users, sessions)
      .verifyRegistration(relyingParty(c.get("origin")), body?.response, "add-passkey");
    if (pending.userId !== user.id) throw new HttpError(403, "err.forbidden");
    await users.addPasskey(user.id, passkey);
    const count = (await users.passkeysOf(user.id)).length;
    return c.json({ ok: true, count } satisfies PasskeyAdded);
  },
};
