// Sign-up, step 2: checks the new passkey, makes the account and signs it in.
import { countAttempt, SIGN_UP } from "../../../../lib/server/auth/throttle.ts";
import { PasskeyService, relyingParty } from "../../../../lib/server/auth/passkeys.ts";
import { FieldError } from "../../../../lib/server/http/errors.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { setSessionCookie } from "../../../../lib/server/http/session.ts";
import { HandleTakenError } from "../../../../lib/server/kv/users.ts";
import type { SignedIn } from "../../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async POST(c) {
    // Counted first: a refused attempt stores no challenge and makes no account.
    await countAttempt(c, SIGN_UP);
    const body = await c.req.json().catch(() => null);
    const { users, sessions } = c.get("deps");
    const { pending, passkey } = await new PasskeyService(users, sessions)
      .verifyRegistration(relyingParty(c.get("origin")), body?.response, "register");
    try {
      const user = await users.create(
        { id: pending.webauthnUserId, handle: pending.handle!, displayName: pending.displayName! },
        passkey,
      );
      setSessionCookie(c, await sessions.create(user.id));
      return c.json({ ok: true, handle: user.handle } satisfies SignedIn);
    } catch (e) {
      if (e instanceof HandleTakenError) throw new FieldError("handle", "err.handle_taken", 409);
      throw e;
    }
  },
};
