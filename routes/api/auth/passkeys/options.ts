// Another passkey for the signed-in account, step 1: the ceremony's options.
import { PasskeyService, relyingParty } from "../../../../lib/server/auth/passkeys.ts";
import { requireUser } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { PasskeyCreationOptions } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    const user = requireUser(c);
    const { users, sessions } = c.get("deps");
    const options: PasskeyCreationOptions = await new PasskeyService(users, sessions).addPasskeyOptions(
      relyingParty(c.get("origin")),
      user,
    );
    return c.json(options);
  },
};
