// Debian's Firefox ESR driven by puppeteer-core over WebDriver BiDi, for the tests of media in
// Firefox. Its microphone and camera are Firefox's own fakes (a tone and a moving picture, by its
// preferences); nothing else differs from a Firefox a person runs: ICE, host candidates and
// their obfuscation are left at Firefox's defaults, so a test passes only when the product works
// for that person. Passkeys are not driven in Firefox: a signed-in person gets a session made by
// tests/support/calls.ts#account (an account and its session, as a passkey sign-up leaves them)
// as a cookie in their Firefox profile.
import assert from "node:assert/strict";
import type { Page as ChromiumPage } from "playwright-core";
import puppeteer, { type Browser, type BrowserContext, type Page } from "puppeteer-core";
import { codeOn, ENCRYPTED_LOCK } from "./calls.ts";
import { RECORD_PEER_CONNECTIONS } from "./sfu.ts";
import type { WebServer } from "./web.ts";

export const FIREFOX_PATH = Deno.env.get("SPAZIO_FIREFOX") ?? "/usr/bin/firefox-esr";

/** The preferences that stand in for a person's devices and clicks; none touches ICE. */
export const FIREFOX_PREFS: Record<string, unknown> = {
  // A fake microphone (a tone) and camera, granted without a prompt.
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  // Audio may start without a click (the tests' Chromium has --autoplay-policy=no-user-gesture-required).
  "media.autoplay.default": 0,
  "media.autoplay.blocking_policy": 0,
  // No network traffic of Firefox's own (updates, telemetry, safe browsing lists, captive portal).
  "app.update.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.enabled": false,
};

/** A headless Firefox ESR; close() ends it. */
export async function launchFirefox(extraPrefs: Record<string, unknown> = {}): Promise<Browser> {
  return await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: FIREFOX_PATH,
    headless: true,
    // A page call that never answers fails the test in 30 s, not puppeteer's 180 s.
    protocolTimeout: 30_000,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...extraPrefs },
  });
}

/**
 * A fresh Firefox profile (a BiDi user context) whose pages record their RTCPeerConnections for
 * READ_STATS; with `signedIn`, signed in with that session cookie (`spazio_session=...`).
 */
export async function newFirefoxPerson(
  browser: Browser,
  signedIn?: { web: WebServer; cookie: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.createBrowserContext();
  if (signedIn) {
    const [name, value] = signedIn.cookie.split("=");
    const domain = new URL(signedIn.web.url).hostname;
    await context.setCookie({ name, value, domain, path: "/", httpOnly: true, sameSite: "Lax" });
  }
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("pageerror", (e) => console.error(`[firefox page error] ${(e as Error).message}`));
  page.on("console", (m) => m.type() === "error" && console.error(`[firefox console] ${m.text()}`));
  await page.evaluateOnNewDocument(RECORD_PEER_CONNECTIONS);
  return { context, page };
}

/** The one address of the namespace's "network card", as a machine's LAN address (RFC 2544 block). */
export const NAMESPACE_ADDRESS = "198.18.0.1";
/** Set in the environment of a test run inside the namespace. */
const INSIDE = "SPAZIO_FIREFOX_NAMESPACE";

/** Whether this process is the run inside the namespace (see runInNamespace). */
export const insideNamespace = () => Deno.env.get(INSIDE) === "1";

/** Why a network namespace cannot be made here (not root, not Linux), or undefined when it can. */
export async function cannotMakeNamespace(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "not Linux";
  try {
    const out = await new Deno.Command("unshare", { args: ["--net", "true"], stdout: "null", stderr: "piped" })
      .output();
    return out.success ? undefined : `unshare --net: ${new TextDecoder().decode(out.stderr).trim()}`;
  } catch (err) {
    return `unshare: ${(err as Error).message}`;
  }
}

/**
 * Runs the tests of `file` named `name` again, in a network namespace of their own that looks like
 * a person's computer: loopback, and one network card (a veth) holding 198.18.0.1 with the default
 * route on it, so Firefox has a default-route address as on any machine. Nothing leaves the
 * namespace (the veth's other end is in it too) and nothing changes in the machine's own network.
 * The whole stack, Chromium and Firefox run in there, as `deno task start` and two browsers on one
 * machine. The inner run dies with this process (pdeathsig).
 */
export async function runInNamespace(file: string, name: string): Promise<void> {
  const setup = [
    "set -e",
    "ip link set lo up",
    "ip link add spz0 type veth peer name spz1",
    `ip addr add ${NAMESPACE_ADDRESS}/15 dev spz0`,
    "ip link set spz1 up",
    "ip link set spz0 up",
    "ip route add default dev spz0",
    'exec setpriv --pdeathsig KILL -- "$@"',
  ].join("\n");
  const child = new Deno.Command("unshare", {
    args: ["--net", "--", "sh", "-c", setup, "sh", Deno.execPath(), "test", "-A", `--filter=${name}`, file],
    env: { [INSIDE]: "1" },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const status = await child.status;
  if (!status.success) throw new Error(`"${name}" failed in its network namespace (exit ${status.code})`);
}

/** Waits until every island of a Firefox page has hydrated, so clicks reach their handlers. */
export async function firefoxIslandsReady(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll("spazio-island")].every((el) => el.hasAttribute("data-hydrated"))
  );
}

/** A control by its role and accessible name, as a screen reader finds it (puppeteer's ARIA query). */
export const byRole = (page: Page, role: string, name: string) =>
  page.locator(`::-p-aria([name="${name}"][role="${role}"])`);

/** A Firefox page as tests/support/sfu.ts's stats helpers (audioGrows, statsOf...) take one. */
export const statsPage = (page: Page) => ({
  evaluate: <T>(fn: () => Promise<T>) => page.evaluate(fn) as Promise<T>,
});

/** Chromium's code from the lock's sheet, once its lock and Firefox's say encrypted. */
export async function encryptedCode(a: ChromiumPage, b: Page): Promise<string> {
  await a.locator(ENCRYPTED_LOCK).waitFor();
  await b.locator(ENCRYPTED_LOCK).wait();
  const code = await codeOn(a);
  assert.match(code, /^\d{4} \d{4} \d{4}$/);
  return code;
}

/** Firefox's code from the lock's sheet, by CSS (no ARIA query in a modal's top layer there). */
export async function firefoxCode(b: Page): Promise<string> {
  await b.locator(ENCRYPTED_LOCK).setWaitForStableBoundingBox(false).click();
  await b.locator("[data-testid=e2ee-code]").wait();
  const code = await b.$eval("[data-testid=e2ee-code]", (el) => (el.textContent ?? "").trim());
  await b.keyboard.press("Escape");
  return code;
}
