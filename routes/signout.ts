// /signout: ends this browser's session.
import type { Handlers } from "../lib/server/http/route.ts";
import { clearSessionCookie, readSessionCookie } from "../lib/server/http/session.ts";

export const handler: Handlers = {
  async POST(c) {
    await c.get("deps").sessions.destroy(readSessionCookie(c));
    clearSessionCookie(c);
    return c.redirect("/", 303);
  },
};
