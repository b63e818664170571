// Sign-in, step 2: checks the passkey's answer and starts a session.
import { countLoginAttempt } from "../../../../lib/server/auth/login_throttle.ts";
import { PasskeyService, relyingParty } from "../../../../lib/server/auth/passkeys.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { setSessionCookie } from "../../../../lib/server/http/session.ts";
import type { SignedIn } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    await countLoginAttempt(c);
    const body = await c.req.json().catch(() => null);
    const { users, sessions } = c.get("deps");
    const user = await new PasskeyService(users, sessions).verifyAuthentication(
      relyingParty(c.get("origin")),
      body?.response,
    );
    setSessionCookie(c, await sessions.create(user.id));
    return c.json({ ok: true, handle: user.handle } satisfies SignedIn);
  },
};
