// Sign-up, step 1: checks the handle and name, and starts the passkey ceremony (throttled per address).
import { z } from "zod";
import { countAttempt, SIGN_UP } from "../../../../lib/server/auth/throttle.ts";
import { PasskeyService, relyingParty } from "../../../../lib/server/auth/passkeys.ts";
import { FieldError, HttpError } from "../../../../lib/server/http/errors.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { DisplayName, Handle } from "../../../../lib/server/kv/users.ts";
import { normaliseHandle } from "../../../../lib/protocol/text.ts";
import type { PasskeyCreationOptions } from "../../../../lib/protocol/api.ts";

const RegisterStart = z.object({ handle: z.string().max(40), displayName: z.string().max(200) });

export const handler: Handlers = {
  async POST(c) {
    // Counted first: a refused attempt stores no challenge and makes no account.
    await countAttempt(c, SIGN_UP);
    const body = RegisterStart.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new HttpError(400, "err.bad_request");
    const handle = normaliseHandle(body.data.handle);
    if (!Handle.safeParse(handle).success) throw new FieldError("handle", "err.handle_invalid");
    const name = DisplayName.safeParse(body.data.displayName);
    if (!name.success) {
      throw new FieldError(
        "displayName",
        name.error.issues[0].message === "name_too_long" ? "err.name_too_long" : "err.name_required",
      );
    }
    const { users, sessions } = c.get("deps");
    if (await users.byHandle(handle)) throw new FieldError("handle", "err.handle_taken", 409);
    const options: PasskeyCreationOptions = await new PasskeyService(users, sessions).registrationOptions(
      relyingParty(c.get("origin")),
      handle,
      name.data,
    );
    return c.json(options);
  },
};
