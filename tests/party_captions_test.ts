// Live captions at the Space room, over a real `partykit dev`: the room asks the SFU to caption a
// live Space in its language (/control/captions), takes the SFU's word on whether it can, and
// sends a line of someone on stage to every client. A caption that is unsigned, signed with another
// secret, oversized, for someone not on stage, or sent while the host has captions off is refused
// and nobody sees anything.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { CAPTION_TEXT_MAX } from "../lib/protocol/captions.ts";
import { initSpace, newSpaceId, PartyDev, partyTest, roomGet, roomPost } from "./support/party.ts";
import { CaptureServer, RoomClient } from "./support/party_client.ts";

const host = { sub: "u:cchost01", handle: "cchost", name: "Cia Host" };
const lis = { sub: "u:cclis001", handle: "cclis", name: "Lis" };

const sfu = new CaptureServer();
const dev = await PartyDev.start({ vars: { SPAZIO_SFU_URL: sfu.url, SPAZIO_WEB_URL: sfu.url } });

const line = (over: Record<string, unknown> = {}) => ({
  type: "caption",
  sub: host.sub,
  id: "abc-1",
  text: "hello there",
  final: true,
  startedAt: Date.now() - 1000,
  at: Date.now(),
  ...over,
});

partyTest("captions: asked of the SFU in the Space's language; the SFU's word shown; lines reach clients", async () => {
  const id = newSpaceId("cc");
  await initSpace(dev, id, host, { lang: "en" });
  await sfu.waitFor("/control/captions", (b) => b.room === `s_${id}` && b.lang === "en");
  assertEquals((await roomGet(dev, id)).body.space.captions, { state: "pending", lang: "en" });
  assertEquals((await roomPost(dev, id, { type: "captionsStatus", lang: "en", available: true })).status, 200);
  assertEquals((await roomGet(dev, id)).body.space.captions, { state: "on", lang: "en" });
  const l = await RoomClient.join(dev, id, lis);
  const partial = roomPost(dev, id, line({ final: false, text: "hello" }));
  const seen = await l.waitFor("caption", (e) => e.id === "abc-1" && !e.final);
  assertEquals((await partial).status, 200);
  assertEquals([seen.name, seen.text, seen.sub], ["Cia Host", "hello", host.sub]);
  await roomPost(dev, id, line());
  await l.waitFor("caption", (e) => e.id === "abc-1" && e.final && e.text === "hello there");
  await l.close();
});

partyTest("captions: an unsupported language is said to the host with the SFU's reason", async () => {
  const id = newSpaceId("cc");
  await initSpace(dev, id, host, { lang: "fr" });
  const why = "no model for fr";
  await roomPost(dev, id, { type: "captionsStatus", lang: "fr", available: false, why });
  assertEquals((await roomGet(dev, id)).body.space.captions, { state: "unsupported", lang: "fr", why });
  assertEquals((await roomPost(dev, id, line())).status, 200, "the room does not know the SFU has no model");
});

partyTest(
  "captions: unsigned, forged, oversized, off-stage and switched-off lines are refused, nobody sees them",
  async () => {
    const id = newSpaceId("cc");
    await initSpace(dev, id, host, { lang: "en" });
    await roomPost(dev, id, { type: "captionsStatus", lang: "en", available: true });
    const l = await RoomClient.join(dev, id, lis);
    const before = (await roomGet(dev, id)).body;

    const unsigned = await fetch(`${dev.http}/parties/space/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(line({ text: "unsigned" })),
    });
    await unsigned.body?.cancel();
    assertEquals(unsigned.status, 401);
    assertEquals((await roomPost(dev, id, line({ text: "forged" }), "another-secret-of-32-characters!!")).status, 401);
    assertEquals((await roomPost(dev, id, line({ text: "x".repeat(CAPTION_TEXT_MAX + 1) }))).status, 400);
    assertEquals((await roomPost(dev, id, line({ id: "" }))).status, 400);
    assertEquals((await roomPost(dev, id, line({ sub: lis.sub, text: "not on stage" }))).status, 403);

    const h = await RoomClient.join(dev, id, host);
    await h.request({ type: "setCaptions", on: false }, "spaceUpdated");
    await sfu.waitFor("/control/captions", (b) => b.room === `s_${id}` && b.lang === null);
    assertEquals((await roomPost(dev, id, line({ text: "while off" }))).status, 409);
    const refused = await l.request({ type: "setCaptions", on: true }, "error");
    assertEquals(refused.code, "forbidden");

    // A good line after all that arrives; none of the refused ones did.
    await h.request({ type: "setCaptions", on: true }, "spaceUpdated");
    await roomPost(dev, id, line({ id: "ok-1", text: "the good one" }));
    await l.waitFor("caption", (e) => e.id === "ok-1");
    const texts = l.events.filter((e) => e.type === "caption").map((e) => (e as { text: string }).text);
    assertEquals(texts, ["the good one"]);
    assertEquals((await roomGet(dev, id)).body.stage, before.stage);
    await Promise.all([h.close(), l.close()]);
  },
);

partyTest("stop the servers", async () => {
  await dev.dispose();
  await sfu.close();
});
