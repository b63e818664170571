// What the room decides, the media obeys: a listener the host removes, and one the host blocks,
// stop receiving the speaker within 1 s even though their pages are made to keep their peer
// connections open (as a modified client would), and neither a reload nor a hand-made SFU socket
// with an old or a freshly minted token brings them back, also after the party and the SFU
// restart. A page on a foreign Origin cannot open an SFU socket at all.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { DEV_ROOM_SECRET } from "../lib/protocol/defaults.ts";
import { mintRoomToken } from "../lib/protocol/token.ts";
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  screenshots,
  signUp,
  startSpaceAsHost,
} from "./support/browser.ts";
import { audioGrows, growthOver, RECORD_PEER_CONNECTIONS, SfuProcess } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A modified client: its peer connections ignore close(), so only the SFU can stop its audio. */
const KEEP_PEER_CONNECTIONS = `
  RTCPeerConnection.prototype.close = function () {};
`;

/** Opens an SFU socket from `page` with `token`: "open" (then closed by us), or how it failed. */
function trySfuSocket(page: Page, sfuUrl: string, token: string): Promise<string> {
  return page.evaluate(async ({ sfuUrl, token }) => {
    const ws = new WebSocket(`${sfuUrl}?token=${encodeURIComponent(token)}`);
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("no answer"), 5_000);
      ws.onopen = () => {
        // Open is not enough to be let in: ask for something and see whether the SFU answers.
        ws.send(JSON.stringify({ type: "getRouterRtpCapabilities", id: 1 }));
      };
      ws.onmessage = (e) => {
        clearTimeout(timer);
        const m = JSON.parse(e.data);
        resolve(m.type === "response" ? "answered" : `refused:${m.code}`);
        ws.close();
      };
      ws.onclose = (e) => {
        clearTimeout(timer);
        resolve(`closed:${e.code}`);
      };
    });
  }, { sfuUrl, token });
}

Deno.test("removed and blocked people lose the Space's media and cannot get it back", opts, async () => {
  const stack = await startStack({ sfu: true });
  const { web } = stack;
  const browser = await launchToneBrowser(120);
  let restartedSfu: SfuProcess | null = null;
  try {
    const host = await newPerson(browser);
    const bee = await newPerson(browser);
    const cee = await newPerson(browser);
    await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
    for (const p of [bee, cee]) {
      await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await p.context.addInitScript(KEEP_PEER_CONNECTIONS);
    }
    await signUp(host.page, web.url, "rule_host", "Rule Host");
    await signUp(bee.page, web.url, "bee_b", "Bee B");
    await signUp(cee.page, web.url, "cee_c", "Cee C");

    const h = host.page;
    const link = await startSpaceAsHost(h, web.url, "House rules");
    const spaceId = link.split("/s/")[1];

    // Bee listens, keeping a set of tokens minted for it before anything happened.
    const b = bee.page;
    await b.goto(link);
    await islandsReady(b);
    const oldTokens = await b.evaluate(
      async (id) => (await fetch(`/api/spaces/${id}/join`, { method: "POST" })).json(),
      spaceId,
    );
    assert.ok(oldTokens.sfuToken, "a listener gets tokens");
    await audioGrows(b, "the host's audio at Bee", 10_000);

    // Bee comments; the host removes Bee from the comment.
    await openSheet(b, /^Comments/);
    await b.getByLabel("Add a comment").fill("hello from Bee");
    await b.getByRole("button", { name: "Send" }).click();
    await openSheet(h, "Comments (1)");
    await h.getByRole("button", { name: "Remove Bee B from the Space" }).click();
    await closeSheet(h);
    await b.getByText("You were removed from this Space.").waitFor({ timeout: 5_000 });
    await sleep(1_000);
    const afterRemoval = await growthOver(b, 2_000);
    assert.ok(afterRemoval < 500, `removed listener still received ${afterRemoval} bytes in 2 s, 1 s after removal`);

    // A reload shows the refusal and carries no token; the web mints none on request.
    const reloaded = await b.reload();
    assert.equal(reloaded?.status(), 403);
    await b.getByRole("alert").filter({ hasText: "You were removed from this Space." }).waitFor();
    assert.ok(!(await b.content()).includes("sfuToken"), "the refusal page holds no SFU token");
    await screenshots(b, "authority-removed");
    const join = await b.evaluate(async (id) => {
      const res = await fetch(`/api/spaces/${id}/join`, { method: "POST" });
      return { status: res.status, body: await res.json() };
    }, spaceId);
    assert.equal(join.status, 403);
    assert.equal(join.body.error.code, "space.err.removed");

    // Hand-made SFU sockets: the old token, and one freshly minted with the room secret itself.
    const fresh = () =>
      mintRoomToken(DEV_ROOM_SECRET, {
        aud: "sfu",
        room: `s_${spaceId}`,
        sub: oldTokens.sub,
        handle: "bee_b",
        name: "Bee B",
      });
    const sfuUrl: string = oldTokens.sfuUrl;
    assert.notEqual(await trySfuSocket(b, sfuUrl, oldTokens.sfuToken), "answered", "the old token lets Bee in again");
    assert.notEqual(await trySfuSocket(b, sfuUrl, await fresh()), "answered", "a fresh token lets Bee in again");

    // Cee listens; the host blocks Cee: Cee's audio stops within 1 s and stays stopped.
    const c = cee.page;
    await c.goto(link);
    await islandsReady(c);
    await audioGrows(c, "the host's audio at Cee", 10_000);
    const ceeSub: string = await c.evaluate(
      async (id) => (await (await fetch(`/api/spaces/${id}/join`, { method: "POST" })).json()).sub,
      spaceId,
    );
    const blocked = await h.evaluate(async () => (await fetch("/api/users/cee_c/block", { method: "PUT" })).status);
    assert.equal(blocked, 200);
    await sleep(1_000);
    const afterBlock = await growthOver(c, 2_000);
    assert.ok(afterBlock < 500, `blocked listener still received ${afterBlock} bytes in 2 s, 1 s after the block`);
    const cReload = await c.reload();
    assert.equal(cReload?.status(), 403);
    await c.getByRole("alert").filter({ hasText: "You can't join this Space." }).waitFor();
    const ceeToken = await mintRoomToken(DEV_ROOM_SECRET, { aud: "sfu", room: `s_${spaceId}`, sub: ceeSub });
    assert.notEqual(await trySfuSocket(c, sfuUrl, ceeToken), "answered", "a fresh token lets Cee in again");

    // The party restarts, then the SFU (which then holds no grants and must ask the room): still out.
    await stack.party.restart();
    assert.notEqual(await trySfuSocket(b, sfuUrl, await fresh()), "answered", "after the party restart");
    const port = stack.sfu!.port;
    await stack.sfu!.stop();
    restartedSfu = await SfuProcess.start({ SPAZIO_SFU_PORT: String(port), SPAZIO_PARTY_URL: stack.party.http });
    assert.notEqual(await trySfuSocket(b, sfuUrl, await fresh()), "answered", "after the SFU restart, Bee");
    assert.notEqual(await trySfuSocket(c, sfuUrl, ceeToken), "answered", "after the SFU restart, Cee");
    const joinAgain = await b.evaluate(
      async (id) => (await fetch(`/api/spaces/${id}/join`, { method: "POST" })).status,
      spaceId,
    );
    assert.equal(joinAgain, 403);

    // The host is still heard by a listener who was never removed (the refusals are per person).
    const dee = await newPerson(browser);
    await dee.context.addInitScript(RECORD_PEER_CONNECTIONS);
    await dee.page.goto(link);
    await islandsReady(dee.page);
    await audioGrows(dee.page, "the host's audio at a new listener after the restarts", 15_000);

    // A page on another site with a valid token is refused before it can ask anything; the same
    // token from Spazio's own page is answered.
    const strayToken = await mintRoomToken(DEV_ROOM_SECRET, {
      aud: "sfu",
      room: `s_${spaceId}`,
      sub: "a:strayvisitor0001",
    });
    const evil = await newPerson(browser);
    await evil.page.route(
      "http://evil.example/**",
      (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<p>evil</p>" }),
    );
    await evil.page.goto("http://evil.example/");
    const foreign = await trySfuSocket(evil.page, sfuUrl, strayToken);
    assert.match(foreign, /^closed:/, `a foreign Origin's socket was let in: ${foreign}`);
    assert.equal(await trySfuSocket(dee.page, sfuUrl, strayToken), "answered", "the same token from Spazio's page");
  } finally {
    await browser.close();
    await restartedSfu?.stop();
    await stack.close();
  }
});
