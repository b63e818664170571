// /api/push/key: the server's public VAPID key, for a browser's push subscription.
import type { Handlers } from "../../../lib/server/http/route.ts";
import { vapidKeys } from "../../../lib/server/push/vapid.ts";
import type { PushKey } from "../../../lib/protocol/api.ts";

export const handler: Handlers = {
  async GET(c) {
    return c.json({ publicKey: (await vapidKeys(c.get("deps").kv)).publicKey } satisfies PushKey);
  },
};
