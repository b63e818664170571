// A Space spread over two audience shards and two SFU processes, in Chromium against the real
// stack (web, partykit dev, SFUs "a" and "b" in SPAZIO_SFU_PEERS, shards of one listener each):
// listeners on different shards and on the edge SFU hear the host, see stage changes, react (the
// host sees the burst); the host removes a listener on the edge, whose room socket and media close
// within 1 s and who cannot come back; the edge SFU is SIGKILLed and its listener hears the host
// again within 10 s, still a listener; that listener raises a hand, is accepted and is heard.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  screenshots,
  signUp,
  startSpaceAsHost,
  watchSockets,
} from "./support/browser.ts";
import { waitFor } from "./support/party.ts";
import { audioGrows, growthOver, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SEEN_WITHIN = { timeout: 5_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long the web uses an SFU's load figure before asking again (lib/protocol/sfu_placement.ts). */
const PLACEMENT_TTL_MS = 2_000;

Deno.test(
  "a Space over two shards and two SFUs: hear, see, react, removal on the edge, the edge killed, speak",
  opts,
  async () => {
    const stack = await startStack({ sfu: true, sfus: 2, shardSize: 1 });
    const { web } = stack;
    const sfuOfPort = new Map(stack.sfus.map((s) => [String(s.process.port), s]));
    const browser = await launchToneBrowser(180);
    try {
      const host = await newPerson(browser);
      const h = host.page;
      await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
      const hostSockets = watchSockets(h);
      await signUp(h, web.url, "edge_host", "Eda Host");
      const link = await startSpaceAsHost(h, web.url, "Far and wide");
      const spaceId = link.split("/s/")[1];

      // Three listeners, one after another (each shard holds one): their room sockets go to shards
      // 0, 1 and 2, their media to the least loaded SFU.
      type Fan = { name: string; page: Page; sockets: ReturnType<typeof watchSockets>; shard: string; sfu: string };
      const fans: Fan[] = [];
      for (
        const [i, [handle, name]] of [["edge_ann", "Ann Edge"], ["edge_bob", "Bob Edge"], ["edge_cat", "Cat Edge"]]
          .entries()
      ) {
        const p = await newPerson(browser, { width: i === 0 ? 360 : 1280 });
        await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
        await signUp(p.page, web.url, handle, name);
        const sockets = watchSockets(p.page);
        await p.page.goto(link);
        await islandsReady(p.page);
        const room = await waitFor(
          `${name}'s socket to a shard`,
          () => sockets.openTo("/parties/audience/")[0]?.url,
          5_000,
        );
        assert.equal(sockets.to("/parties/space/").length, 0, `${name}, a plain listener, connects to a shard only`);
        await audioGrows(p.page, `the host's audio at ${name}`, 10_000);
        const sfuSocket = await waitFor(`${name}'s SFU socket`, () => sockets.openTo("/ws?")[0]?.url, 5_000);
        const sfu = sfuOfPort.get(new URL(sfuSocket).port)!.id;
        fans.push({ name, page: p.page, sockets, shard: new URL(room).pathname.split("/").at(-1)!, sfu });
        // The next one joins once the room counts this one (the count is how shards fill).
        await h.getByTestId("listener-count").filter({ hasText: `${i + 1} listening` }).waitFor(SEEN_WITHIN);
        // ... and once the web's load figures (cached 2 s) count them too: least loaded first puts
        // the first and third listeners on the edge, the second on the origin (ties go there).
        await sleep(PLACEMENT_TTL_MS + 200);
      }
      const hostSfu = sfuOfPort.get(new URL(hostSockets.openTo("/ws?")[0].url).port)!.id;
      const placement = fans.map((f) => `${f.name}: ${f.shard} on SFU ${f.sfu}`).join("; ");
      console.error(`placement: host on SFU ${hostSfu}; ${placement}`);
      assert.deepEqual(
        fans.map((f) => f.shard),
        [0, 1, 2].map((n) => `${spaceId}.${n}`),
        `one shard each: ${placement}`,
      );
      const onEdge = fans.filter((f) => f.sfu !== hostSfu);
      assert.ok(onEdge.length >= 2, `at least two listeners on the edge: ${placement}`);
      const [stays, removed] = onEdge;

      // Stage changes reach every listener, wherever they are.
      // Unmuted reads "Microphone on", or "Speaking" while the page hears the tone.
      const hostSeenBy = (page: Page, state: "Muted" | "Microphone on", who: string) =>
        page.locator(".stage .member", { hasText: "Eda Host" })
          .getByRole("img", { name: state === "Muted" ? "Muted" : /^(Microphone on|Speaking)$/ }).waitFor(SEEN_WITHIN)
          .catch((e) => {
            throw new Error(`${who} does not see the host "${state}": ${e.message.split("\n")[0]}`);
          });
      await h.getByRole("button", { name: "Mute my microphone" }).click();
      await hostSeenBy(h, "Muted", "the host");
      for (const f of fans) await hostSeenBy(f.page, "Muted", f.name);
      await h.getByRole("button", { name: "Unmute my microphone" }).click();
      await hostSeenBy(h, "Microphone on", "the host");
      for (const f of fans) await hostSeenBy(f.page, "Microphone on", f.name);

      // A listener on the edge reacts: their shard sums it and the host sees the burst.
      await openSheet(stays.page, "Reactions");
      await stays.page.getByRole("button", { name: "React with 💯" }).click();
      await h.locator(".burst", { hasText: "💯" }).first().waitFor(SEEN_WITHIN);
      await closeSheet(stays.page);

      // The host removes the other edge listener: their room socket and their media on the edge
      // close within 1 s, and nothing brings them back.
      await openSheet(removed.page, /^Comments/);
      await removed.page.getByLabel("Add a comment").fill(`hello from ${removed.name}`);
      await removed.page.getByRole("button", { name: "Send" }).click();
      await closeSheet(removed.page);
      await openSheet(h, "Comments (1)");
      const clicked = Date.now();
      await h.getByRole("button", { name: `Remove ${removed.name} from the Space` }).click();
      const roomClosed = await waitFor(
        "the removed listener's shard socket to close",
        () => removed.sockets.to("/parties/audience/")[0].closedAt,
        5_000,
      );
      const mediaClosed = await waitFor(
        "the removed listener's SFU socket to close",
        () => removed.sockets.to("/ws?")[0].closedAt,
        5_000,
      );
      await closeSheet(h);
      console.error(
        `removal: shard socket closed ${roomClosed - clicked} ms, edge media ${
          mediaClosed - clicked
        } ms after the click`,
      );
      assert.ok(roomClosed - clicked <= 1_000, `the shard socket closed ${roomClosed - clicked} ms after the removal`);
      assert.ok(mediaClosed - clicked <= 1_000, `the edge media closed ${mediaClosed - clicked} ms after the removal`);
      await removed.page.getByText("You were removed from this Space.").waitFor(SEEN_WITHIN);
      assert.ok((await growthOver(removed.page, 2_000)) < 500, "the removed listener still hears the Space");
      const reloaded = await removed.page.reload();
      assert.equal(reloaded?.status(), 403);
      await removed.page.getByRole("alert").filter({ hasText: "You were removed from this Space." }).waitFor();
      const rejoin = await removed.page.evaluate(
        async (id) => (await fetch(`/api/spaces/${id}/join`, { method: "POST" })).status,
        spaceId,
      );
      assert.equal(rejoin, 403);

      // The edge dies (SIGKILL): its listener hears the host again within 10 s, still a listener.
      const edge = stack.sfus.find((s) => s.id === stays.sfu)!;
      await edge.process.kill();
      const killed = Date.now();
      await audioGrows(stays.page, `the host's audio at ${stays.name} after the edge died`, 10_000);
      console.error(`edge killed: ${stays.name} hears the host again ${Date.now() - killed} ms later`);
      const others = fans.filter((f) => f !== removed && f !== stays);
      for (const f of others) await audioGrows(f.page, `the host's audio at ${f.name} after the edge died`, 10_000);
      await stays.page.getByRole("button", { name: "Request to speak" }).waitFor(SEEN_WITHIN);
      await h.getByRole("button", { name: "Mute my microphone" }).waitFor(SEEN_WITHIN);
      await screenshots(stays.page, "edges-listener-after-edge-died");

      // That listener raises a hand, the host accepts, they unmute and the host hears them.
      await stays.page.getByRole("button", { name: "Request to speak" }).click();
      await stays.page.getByText("Request sent. A host will answer.").waitFor(SEEN_WITHIN);
      await openSheet(h, /^Host tools, 1 requests to speak/);
      await h.getByRole("button", { name: `Accept ${stays.name}` }).click();
      await closeSheet(h);
      const onHostPage = h.locator(".stage .member", { hasText: stays.name });
      await onHostPage.getByRole("img", { name: "Muted" }).waitFor(SEEN_WITHIN);
      await stays.page.getByRole("button", { name: "Unmute my microphone" }).click();
      await onHostPage.getByRole("img", { name: /^(Microphone on|Speaking)$/ }).waitFor(SEEN_WITHIN);
      await audioGrows(h, `${stays.name}'s audio at the host`, 10_000);
      for (const f of others) await f.page.locator(".stage .member", { hasText: stays.name }).waitFor(SEEN_WITHIN);
      await screenshots(stays.page, "edges-listener-on-stage");
    } finally {
      // EDGES_DEBUG=1: what the party and the SFUs printed, to read a failure by.
      if (Deno.env.get("EDGES_DEBUG")) {
        console.error("PARTY LOG\n" + stack.party.log.slice(-6000));
        for (const x of stack.sfus) console.error(`SFU ${x.id} LOG\n` + x.process.log.slice(-6000));
      }
      await browser.close();
      await stack.close();
    }
  },
);
