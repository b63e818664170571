// The Content-Security-Policy and Permissions-Policy of every page. Over HTTP: each HTML answer
// carries a strict policy (no 'unsafe-inline' for scripts, connect-src naming the party server and
// every SFU a page may be sent to) with a nonce of its own, which every <script> of the page
// carries. In Chromium, on the real stack: every main page, as a new user, a host, an anonymous
// listener and two people calling, reports no violation and still works under the policy (islands
// hydrate and react, the Space and the replay are heard, the call connects).
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { createApp, createDeps } from "../app.tsx";
import { loadConfig } from "../lib/server/config.ts";
import { LocalRecordingStore } from "../lib/server/recordings/store.ts";
import { islandsReady, launchToneBrowser, newPerson, signUp, startSpaceAsHost } from "./support/browser.ts";
import { type Account, account, befriend, signedInPage } from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { seedReplay } from "./support/recording.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS, statsOf } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";
import type { WebServer } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

/** Asserts the page's policy and that each of its scripts carries the policy's nonce; returns the nonce. */
function checkPage(path: string, res: Response, html: string, realtime: string[]): string {
  const csp = res.headers.get("content-security-policy");
  assert.ok(csp, `${path}: no Content-Security-Policy`);
  const d = directives(csp);
  const scripts = d.get("script-src") ?? [];
  assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), `${path}: ${csp}`);
  const nonce = scripts.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
  assert.ok(nonce && nonce.length >= 16, `${path}: no nonce in script-src: ${csp}`);
  for (
    const [name, want] of [
      ["object-src", "'none'"],
      ["base-uri", "'none'"],
      ["frame-ancestors", "'none'"],
      ["form-action", "'self'"],
      ["default-src", "'self'"],
    ]
  ) assert.deepEqual(d.get(name), [want], `${path}: ${name} in ${csp}`);
  const connect = d.get("connect-src") ?? [];
  for (const origin of ["'self'", ...realtime]) assert.ok(connect.includes(origin), `${path}: ${origin} in ${csp}`);
  const tags = html.match(/<script\b[^>]*>/g) ?? [];
  assert.ok(tags.some((t) => !/\bsrc=/.test(t)), `${path}: the page has its inline script`);
  for (const tag of tags) assert.ok(tag.includes(` nonce="${nonce}"`), `${path}: ${tag} without the nonce`);
  // Styles: this origin's files, and a <style> element only with this answer's nonce.
  assert.deepEqual(d.get("style-src"), ["'self'", `'nonce-${nonce}'`], `${path}: style-src in ${csp}`);
  for (const tag of html.match(/<style\b[^>]*>/g) ?? []) {
    assert.ok(tag.includes(` nonce="${nonce}"`), `${path}: ${tag} without the nonce`);
  }
  const pp = res.headers.get("permissions-policy") ?? "";
  for (const rule of ["microphone=(self)", "camera=(self)", "autoplay=(self)", "geolocation=()", "payment=()"]) {
    assert.ok(pp.split(/,\s*/).includes(rule), `${path}: ${rule} in Permissions-Policy "${pp}"`);
  }
  return nonce;
}

Deno.test("every HTML answer carries a strict policy with a fresh nonce on its scripts", opts, async () => {
  // The app answers Requests directly: no server, no other process.
  const dir = await Deno.makeTempDir({ prefix: "spazio-csp-" });
  const deps = await createDeps({ ...loadConfig(), kvPath: `${dir}/spazio.kv` });
  const app = createApp(deps);
  const web = { deps, url: "http://localhost:8000" } as WebServer;
  try {
    const config = deps.config;
    config.partyPublicUrl = "https://party.example.org";
    config.sfuPublicUrl = "https://sfu.example.org:4443";
    config.sfus = [
      { id: "a", url: "http://10.0.0.1:3001", publicUrl: "https://sfu-a.example.org" },
      { id: "b", url: "http://10.0.0.2:3001", publicUrl: "https://sfu-b.example.org" },
    ];
    const realtime = [
      "https://party.example.org",
      "wss://party.example.org",
      "wss://sfu.example.org:4443",
      "https://sfu-a.example.org",
      "wss://sfu-a.example.org",
      "wss://sfu-b.example.org",
    ];
    const me = await account(web, "nonce_reader");
    const pages: [string, Account | null, number][] = [
      ["/", null, 200],
      ["/signin", null, 200],
      ["/signup", null, 200],
      ["/people?q=non", null, 200],
      ["/offline", null, 200],
      ["/no/such/page", null, 404],
      ["/", me, 200],
      ["/settings", me, 200],
      ["/messages", me, 200],
      ["/spaces/new", me, 200],
      ["/@nonce_reader", me, 200],
    ];
    for (const [path, who, status] of pages) {
      const seen = new Set<string>();
      for (let i = 0; i < 2; i++) {
        const res = await app.request(`${web.url}${path}`, { headers: who ? { cookie: who.cookie } : {} });
        const html = await res.text();
        assert.equal(res.status, status, path);
        seen.add(checkPage(path, res, html, realtime));
      }
      assert.equal(seen.size, 2, `${path}: the same nonce twice`);
    }
    // The service worker runs under the policy it is served with.
    const sw = await app.request(`${web.url}/sw.js`);
    await sw.body?.cancel();
    assert.match(sw.headers.get("content-security-policy") ?? "", /connect-src 'self'/);
  } finally {
    deps.kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Every violation, and every console line about a policy, of every page of the context. */
async function watchPolicy(context: BrowserContext, reports: string[]): Promise<void> {
  await context.exposeBinding("__spazioPolicyViolation", ({ page }, text: string) => {
    reports.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      // deno-lint-ignore no-explicit-any
      (globalThis as any).__spazioPolicyViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`,
      );
    }, true);
  });
  context.on("console", (m) => {
    const text = m.text();
    if (/content.security.policy|permissions.policy/i.test(text)) reports.push(`${m.page()?.url()}: ${text}`);
  });
}

function noViolation(reports: string[], where: string): void {
  assert.deepEqual(reports, [], `policy violations on ${where}`);
}

Deno.test("in Chromium, every main page works under the policy and reports no violation", opts, async () => {
  const stack = await startStack({ sfu: true });
  const { web } = stack;
  const browser = await launchToneBrowser(60);
  const reports: string[] = [];
  const open = async (p: Page, path: string) => {
    await p.goto(`${web.url}${path}`);
    await islandsReady(p);
  };
  try {
    // A new person signs up (the sign-up island asks the passkey prompt) and lands on their profile.
    const host = await newPerson(browser);
    await watchPolicy(host.context, reports);
    const h = host.page;
    await signUp(h, web.url, "csp_host", "Csp Host");
    await h.getByRole("heading", { name: "Csp Host" }).waitFor();
    noViolation(reports, "sign-up and the profile");
    await open(h, "/");
    noViolation(reports, "home, signed in");

    // They start a Space and unmute: the island answers, the SFU takes the microphone.
    const link = await startSpaceAsHost(h, web.url, "Policy check");
    noViolation(reports, "the Space, as its host");

    // An anonymous listener hears it.
    const listener = await newPerson(browser, { width: 360 });
    await watchPolicy(listener.context, reports);
    await listener.context.addInitScript(RECORD_PEER_CONNECTIONS);
    const l = listener.page;
    await open(l, new URL(link).pathname);
    await audioGrows(l, "the host's audio at the anonymous listener", 10_000);
    await waitFor("the audio level to rise", async () => ((await statsOf(l)).maxAudioLevel > 0.01 || undefined), 5_000);
    noViolation(reports, "the Space, as an anonymous listener");

    // Signed out pages: home, sign in, people search (the island searches as one types), a 404.
    await open(l, "/");
    await open(l, "/signin");
    await l.getByRole("button", { name: "Sign in with a passkey" }).waitFor();
    await open(l, "/people");
    await l.getByRole("searchbox", { name: "Search people" }).fill("csp");
    await l.getByRole("link", { name: /Csp Host/ }).waitFor();
    const missing = await l.goto(`${web.url}/no/such/page`);
    assert.equal(missing?.status(), 404);
    await l.getByRole("link", { name: "Back to home" }).waitFor();
    noViolation(reports, "home, sign-in, people search and the 404 page");

    // A replay plays.
    const replayHost = await account(web, "csp_replay");
    const { space } = await seedReplay(web, {
      root: stack.recordingsDir,
      store: new LocalRecordingStore(stack.recordingsDir),
      svc: stack.recordings,
    }, {
      hostId: replayHost.user.id,
      title: "Recorded under policy",
      startedAgoMs: 60_000,
      endedAgoMs: 1_000,
      source: "sine=frequency=440:duration=20:sample_rate=48000",
      bitrate: "24k",
    });
    await open(l, `/s/${space.id}/replay`);
    await l.getByRole("button", { name: "Play", exact: true }).click();
    await waitFor(
      "the replay to play",
      async () => ((await l.evaluate(() => document.querySelector("audio")!.currentTime)) > 0.5 || undefined),
      10_000,
    );
    noViolation(reports, "the replay");

    // Two people write to each other and call: messages, the thread, the ringer, the call screen.
    const ann = await account(web, "csp_ann");
    const bob = await account(web, "csp_bob");
    await befriend(web, ann, bob);
    const a = (await signedInPage(browser, web, ann)).page;
    const b = (await signedInPage(browser, web, bob, { width: 360 })).page;
    await watchPolicy(a.context(), reports);
    await watchPolicy(b.context(), reports);
    await open(b, "/messages");
    await open(a, `/messages/${bob.user.handle}`);
    await a.getByLabel(/^Message to /).fill("Under a strict policy");
    await a.getByRole("button", { name: "Send" }).click();
    await a.getByRole("log").getByText("Under a strict policy").waitFor();
    await a.getByRole("button", { name: "Audio call" }).click();
    await a.waitForURL(/\/calls\/[A-Za-z0-9_-]+$/);
    await b.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
    for (const p of [a, b]) await p.getByRole("status").getByText("Connected").waitFor();
    noViolation(reports, "messages, the thread and a call");

    // Settings and another's profile.
    await open(b, "/settings");
    await open(b, `/@${ann.user.handle}`);
    noViolation(reports, "settings and a profile");
  } finally {
    await browser.close();
    await stack.close();
  }
});
