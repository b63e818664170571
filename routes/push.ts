// Web Push subscriptions: the server's public key, and each browser's subscription.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../lib/http/env.ts";
import { FieldError, HttpError } from "../lib/http/errors.ts";
import { requireUser } from "../lib/http/guards.ts";
import { endpointAllowed, PushStore, PushSubscriptionInput } from "../lib/push/subscriptions.ts";
import { vapidKeys } from "../lib/push/vapid.ts";

const push = new Hono<AppEnv>();

push.get("/api/push/key", async (c) => {
  return c.json({ publicKey: (await vapidKeys(c.get("deps").kv)).publicKey });
});

push.post("/api/push/subscriptions", async (c) => {
  const me = requireUser(c);
  const sub = PushSubscriptionInput.safeParse(await c.req.json().catch(() => null));
  if (!sub.success) throw new HttpError(400, "err.bad_request");
  if (!endpointAllowed(sub.data.endpoint)) throw new FieldError("endpoint", "err.bad_request");
  await new PushStore(c.get("deps").kv).add(me.id, sub.data, c.get("lang"));
  return c.json({ ok: true }, 201);
});

push.delete("/api/push/subscriptions", async (c) => {
  const me = requireUser(c);
  const body = z.object({ endpoint: z.string().max(2048) }).safeParse(await c.req.json().catch(() => null));
  if (!body.success) throw new HttpError(400, "err.bad_request");
  await new PushStore(c.get("deps").kv).remove(me.id, body.data.endpoint);
  return c.json({ ok: true });
});

export default push;
