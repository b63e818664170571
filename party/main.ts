// The project's default party. Spazio's rooms are named parties (see partykit.json#parties);
// this one answers that there is nothing here, so a mistyped URL fails clearly, and the party
// server's health check: `GET /healthz` is answered by the worker itself (PartyKit's `onFetch`,
// for paths outside /parties/), so a proxy polling it never wakes a room or makes its storage.
import type * as Party from "partykit/server";

const NO_ROOM = "No room here: use /parties/space/<spaceId>.";

export default class MainParty implements Party.Server {
  constructor(readonly room: Party.Room) {}

  static onBeforeConnect() {
    return new Response(NO_ROOM, { status: 404 });
  }

  /** Answered in the worker: a request to `/parties/main/<id>` never wakes a room (nor makes its storage). */
  static onBeforeRequest() {
    return new Response(NO_ROOM, { status: 404 });
  }

  static onFetch(req: Request) {
    const { pathname } = new URL(req.url);
    if (pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
    }
    return new Response("Not found.", { status: 404 });
  }

  onRequest() {
    return new Response(NO_ROOM, { status: 404 });
  }
}

MainParty satisfies Party.Worker;
