// /api/settings/calls: who may call me, read (GET) and saved (PUT).
import { CallSettings } from "../../../lib/shared/call_rule.ts";
import { HttpError } from "../../../lib/server/http/errors.ts";
import { requireUser } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { CallStore } from "../../../lib/server/kv/calls.ts";
import type { CallSettingsAnswer } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async GET(c) {
    const me = requireUser(c);
    return c.json({ settings: await new CallStore(c.get("deps").kv).settings(me.id) } satisfies CallSettingsAnswer);
  },
  async PUT(c) {
    const me = requireUser(c);
    const body = CallSettings.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw new HttpError(400, "err.bad_request");
    await new CallStore(c.get("deps").kv).saveSettings(me.id, body.data);
    return c.json({ settings: body.data } satisfies CallSettingsAnswer);
  },
};
