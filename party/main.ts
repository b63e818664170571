// The project's default party. Spazio's rooms are named parties (see partykit.json#parties);
// this one only answers that there is nothing here, so a mistyped URL fails clearly.
import type * as Party from "partykit/server";

export default class MainParty implements Party.Server {
  constructor(readonly room: Party.Room) {}

  static onBeforeConnect() {
    return new Response("No room here: use /parties/space/<spaceId>.", { status: 404 });
  }

  onRequest() {
    return new Response("No room here: use /parties/space/<spaceId>.", { status: 404 });
  }
}

MainParty satisfies Party.Worker;
