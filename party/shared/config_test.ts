// The parties' settings: the SFU list grants go to, and roomIdOf (the room id of a connection when
// PartyKit refuses room.id, while an alarm is handled).
import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { clientAddress, readConfig, roomIdOf } from "./config.ts";

const refusing = {
  get id(): string {
    throw new Error("You can not access `Party.id` in the `onAlarm` handler.");
  },
};
const req = (path: string) => new Request(`http://127.0.0.1:1999${path}?token=t.t.t&_pk=x`);

Deno.test("roomIdOf: room.id when PartyKit gives it, else the last segment of the URL's path", () => {
  assertEquals(roomIdOf({ id: "Space0001" }, req("/parties/space/Other0001")), "Space0001");
  assertEquals(roomIdOf(refusing, req("/parties/audience/Space0001.3")), "Space0001.3");
  assertEquals(roomIdOf(refusing, req("/parties/space/Space%2D01")), "Space-01");
  assertEquals(roomIdOf(refusing, req("/")), undefined);
  assertEquals(roomIdOf(refusing, req("/parties/space/%E0%A4%A")), undefined, "a malformed escape names no room");
});

Deno.test("readConfig: grants go to SPAZIO_SFU_URL first, then every other SFU of SPAZIO_SFU_PEERS", () => {
  const peers = "a=http://10.0.0.1:4443,b=http://10.0.0.2:4443/";
  assertEquals(readConfig({ SPAZIO_SFU_URL: "http://10.0.0.2:4443", SPAZIO_SFU_PEERS: peers }).sfuUrls, [
    "http://10.0.0.2:4443",
    "http://10.0.0.1:4443",
  ]);
  assertEquals(readConfig({ SPAZIO_SFU_URL: "http://10.0.0.9:4443/" }).sfuUrls, ["http://10.0.0.9:4443"]);
  // A malformed list is not fatal to the rooms: the one URL still works.
  assertEquals(readConfig({ SPAZIO_SFU_URL: "http://10.0.0.9:4443", SPAZIO_SFU_PEERS: "nonsense" }).sfuUrls, [
    "http://10.0.0.9:4443",
  ]);
});

Deno.test("the client's address comes only from the header the operator names", () => {
  const req = (headers: Record<string, string>) => new Request("http://p/parties/space/x", { headers });
  const cf = readConfig({});
  assert.equal(clientAddress(cf, req({ "cf-connecting-ip": "203.0.113.7" })), "203.0.113.7");
  // Self-hosted behind Caddy: a forged cf-connecting-ip is ignored, the proxy's x-real-ip counts.
  const caddy = readConfig({ SPAZIO_CLIENT_IP_HEADER: "X-Real-IP" });
  assert.equal(clientAddress(caddy, req({ "cf-connecting-ip": "6.6.6.6", "x-real-ip": "203.0.113.7" })), "203.0.113.7");
  assert.equal(clientAddress(caddy, req({ "cf-connecting-ip": "6.6.6.6" })), null);
  assert.equal(
    clientAddress(readConfig({ SPAZIO_CLIENT_IP_HEADER: "none" }), req({ "cf-connecting-ip": "1.1.1.1" })),
    null,
  );
});
