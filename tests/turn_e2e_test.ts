// Media through a TURN relay, for people whose network lets nothing through but TLS to one port:
// a real coturn on loopback that takes clients only over TLS (tests/support/coturn.ts), the web
// minting REST-scheme credentials with every SFU token (SPAZIO_TURN_*), and pages forced onto the
// relay (SPAZIO_TURN_FORCE_RELAY). A listener hears the Space's host, and two people in a call
// hear each other, with the browser's selected candidate pair showing a relay candidate reached
// over TLS; the credentials a page gets are accepted by coturn, expired ones refused, and the
// relay's secret never reaches a page.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchBrowser, newPerson, signUp, startSpaceAsHost } from "./support/browser.ts";
import { account, befriend, signedInPage } from "./support/calls.ts";
import { Coturn, type Route, selectedRoutes } from "./support/coturn.ts";
import { waitFor } from "./support/party.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS, writeToneWav } from "./support/sfu.ts";
import { type Stack, startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

let stack: Stack;
let turn: Coturn;
let browser: Browser;
let wav: string;
/** Ann's page in an answered call, and the call's id, kept for the credentials' test. */
let inCall: { page: Page; callId: string } | undefined;

function assertThroughTls(rs: Route[], who: string) {
  assert.ok(rs.length > 0, `${who}: no connected peer connection`);
  for (const r of rs) {
    assert.equal(r.candidateType, "relay", `${who}: media not through the relay: ${JSON.stringify(r)}`);
    assert.equal(r.relayProtocol, "tls", `${who}: the relay not reached over TLS: ${JSON.stringify(r)}`);
    assert.equal(r.url, turn.url, `${who}: another relay: ${JSON.stringify(r)}`);
  }
}

/**
 * Asks the relay for an allocation with `ice` from inside the page, as its transports would: the
 * relay candidate's address, or the error the relay answered.
 */
function allocate(page: Page, ice: RTCConfiguration): Promise<{ relay?: string; error?: number }> {
  return page.evaluate(async (config) => {
    const pc = new RTCPeerConnection({ ...config, iceTransportPolicy: "relay" });
    const result = new Promise<{ relay?: string; error?: number }>((resolve) => {
      pc.onicecandidate = (e) => e.candidate?.type === "relay" && resolve({ relay: e.candidate.address ?? "" });
      pc.onicecandidateerror = (e) => resolve({ error: e.errorCode });
    });
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    const r = await result;
    pc.close();
    return r;
  }, ice);
}

Deno.test("start the stack, a TLS-only coturn and Chromium trusting its certificate", opts, async () => {
  stack = await startStack({ sfu: true });
  turn = await Coturn.start();
  stack.web.deps.config.turn = { urls: [turn.url], secret: turn.secret, ttlSeconds: 3600, forceRelay: true };
  wav = await Deno.makeTempFile({ suffix: ".wav" });
  await writeToneWav(wav, 120);
  browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${wav}`,
    "--autoplay-policy=no-user-gesture-required",
    turn.chromiumFlag,
  ]);
});

Deno.test("a listener whose page may use only the relay hears the host through TURN over TLS", opts, async () => {
  const { web } = stack;
  const host = await newPerson(browser);
  await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
  await signUp(host.page, web.url, "relay_host", "Relay Host");
  const link = await startSpaceAsHost(host.page, web.url, "Through the relay");

  const listener = await newPerson(browser, { width: 360 });
  await listener.context.addInitScript(RECORD_PEER_CONNECTIONS);
  const l = listener.page;
  const page = await l.goto(link);
  await islandsReady(l);
  await audioGrows(l, "the host's audio at the listener, through the relay", 20_000);
  assertThroughTls(await selectedRoutes(l), "the listener");
  assertThroughTls(await selectedRoutes(host.page), "the host");
  // It keeps coming (not a burst before a fallback).
  await audioGrows(l, "more of the host's audio", 10_000);

  // The page got credentials, never the secret they are made with.
  const html = (await page!.text()).replaceAll("&quot;", '"');
  assert.match(html, /"username":"\d+:a_[A-Za-z0-9_-]+","credential":"[A-Za-z0-9+/=]+"/);
  assert.ok(!html.includes(turn.secret), "the TURN secret is in the page");
  const joined = await l.evaluate(
    async (id) => await (await fetch(`/api/spaces/${id}/join`, { method: "POST" })).text(),
    link.split("/s/")[1],
  );
  assert.ok(!joined.includes(turn.secret), "the TURN secret is in the join answer");
  assert.match(joined, /"iceTransportPolicy":"relay"/);
  await listener.context.close();
  await host.context.close();
});

Deno.test("a call through the relay: each side hears the other over TURN/TLS", opts, async () => {
  const ann = await account(stack.web, "ann_relay");
  const bob = await account(stack.web, "bob_relay");
  await befriend(stack.web, ann, bob);
  const a = (await signedInPage(browser, stack.web, ann)).page;
  const b = (await signedInPage(browser, stack.web, bob)).page;
  for (const p of [a, b]) await p.context().addInitScript(RECORD_PEER_CONNECTIONS);
  await b.goto(`${stack.web.url}/messages`);
  await islandsReady(b);
  await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
  await islandsReady(a);
  await a.getByRole("button", { name: "Audio call" }).click();
  await b.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
  for (const p of [a, b]) await p.getByRole("status").getByText("Connected").waitFor();
  await audioGrows(b, "Ann's voice at Bob", 20_000);
  await audioGrows(a, "Bob's voice at Ann", 20_000);
  assertThroughTls(await selectedRoutes(a), "Ann");
  assertThroughTls(await selectedRoutes(b), "Bob");
  inCall = { page: a, callId: new URL(a.url()).pathname.split("/").pop()! };
  await b.context().close();
});

Deno.test("the relay accepts the credentials a page is given, and refuses them once expired", opts, async () => {
  assert.ok(inCall, "no call to take credentials from");
  const { page: l, callId } = inCall;
  const join = async () =>
    await l.evaluate(
      async (id) => (await (await fetch(`/api/calls/${id}/media`, { method: "POST" })).json()).ice,
      callId,
    );

  const fresh = await join();
  assert.match(fresh.iceServers[0].username, /^\d+:u_/);
  const expiry = Number(fresh.iceServers[0].username.split(":")[0]);
  assert.ok(expiry > Date.now() / 1000 + 3000 && expiry <= Date.now() / 1000 + 3600, `expiry ${expiry}`);
  const ok = await allocate(l, fresh);
  assert.equal(ok.relay, "127.0.0.1", `no allocation with fresh credentials: ${JSON.stringify(ok)}`);

  // Credentials minted already expired (a page kept open past SPAZIO_TURN_TTL): refused.
  const config = stack.web.deps.config.turn!;
  stack.web.deps.config.turn = { ...config, ttlSeconds: -60 };
  try {
    const stale = await join();
    assert.deepEqual(await allocate(l, stale), { error: 401 });
    // The same username with a credential not made with the secret: refused too.
    const forged = { ...fresh, iceServers: [{ ...fresh.iceServers[0], credential: btoa("not the right mac!!!") }] };
    assert.deepEqual(await allocate(l, forged), { error: 401 });
  } finally {
    stack.web.deps.config.turn = config;
  }
  await l.context().close();
});

/** The relay username each of the page's connected peer connections is configured with now. */
function relayUsernames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    ((window as any).__pcs as RTCPeerConnection[]).filter((pc) => pc.connectionState === "connected")
      .flatMap((pc) => (pc.getConfiguration().iceServers ?? []).map((s) => s.username ?? ""))
  );
}

Deno.test(
  "a page open longer than its credentials last gets new ones and keeps hearing through the relay",
  opts,
  async () => {
    // Credentials for 30 s (below SPAZIO_TURN_TTL's floor of 60, to keep the suite short): the page
    // asks for new ones 22.5 s after it got them (a quarter of their life before the end) and
    // restarts ICE with them. coturn checks a credential's time when
    // an allocation is made (it keeps the key for the session's refreshes), so the proof that the
    // new ones are in use is a new allocation under the new username, with the audio going on.
    const config = stack.web.deps.config.turn!;
    stack.web.deps.config.turn = { ...config, ttlSeconds: 30 };
    try {
      const host = await newPerson(browser);
      await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, stack.web.url, "relay_long", "Long Host");
      const link = await startSpaceAsHost(host.page, stack.web.url, "Longer than the credentials");
      const listener = await newPerson(browser);
      await listener.context.addInitScript(RECORD_PEER_CONNECTIONS);
      const l = listener.page;
      await l.goto(link);
      await islandsReady(l);
      await audioGrows(l, "the host's audio at the listener", 20_000);
      const [first] = await relayUsernames(l);
      assert.match(first, /^\d+:a_/);
      const firstExpiry = Number(first.split(":")[0]);
      // Before the first credentials expire the page holds later ones, and the relay allocated with them.
      const renewed = await waitFor("the listener's page to hold new relay credentials", async () => {
        const names = await relayUsernames(l);
        return names.length > 0 && names.every((n) => Number(n.split(":")[0]) > firstExpiry) ? names : undefined;
      }, 90_000);
      const allocated = () =>
        [...turn.log.matchAll(/user <([^>]+)>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]);
      await waitFor("a relay allocation with the new credentials", () => {
        return renewed.every((n) => allocated().includes(n)) || undefined;
      }, 20_000).catch((e) => {
        throw new Error(
          `${e.message}: the page holds ${renewed}, the relay allocated for ${[...new Set(allocated())]}`,
        );
      });
      while (Date.now() / 1000 < firstExpiry + 5) await new Promise((r) => setTimeout(r, 1_000));
      await audioGrows(l, "the host's audio after the first credentials expired", 15_000);
      assertThroughTls(await selectedRoutes(l), "the listener, after the renewal");
      await listener.context.close();
      await host.context.close();
    } finally {
      stack.web.deps.config.turn = config;
    }
  },
);

Deno.test("stop Chromium, coturn and the stack", opts, async () => {
  await browser?.close();
  await turn?.stop();
  await stack?.close();
  if (wav) await Deno.remove(wav).catch(() => {});
});
