// Sign-in, step 1: a passkey challenge (any of this site's passkeys may answer it).
import { countLoginAttempt } from "../../../../lib/server/auth/login_throttle.ts";
import { PasskeyService, relyingParty } from "../../../../lib/server/auth/passkeys.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { PasskeyRequestOptions } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    await countLoginAttempt(c);
    const { users, sessions } = c.get("deps");
    const options: PasskeyRequestOptions = await new PasskeyService(users, sessions).authenticationOptions(
      relyingParty(c.get("origin")),
    );
    return c.json(options);
  },
};
