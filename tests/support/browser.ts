// Debian's Chromium driven by playwright-core, with the flags these machines need, a WebAuthn
// virtual authenticator through the DevTools protocol, and screenshots saved as test artefacts.
import { type Browser, type BrowserContext, chromium, type Page, type WebSocket as PageSocket } from "playwright-core";
import { writeToneWav } from "./sfu.ts";

export const CHROMIUM_PATH = Deno.env.get("SPAZIO_CHROMIUM") ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
];
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";

/** Debian's Chromium; `executablePath` runs it some other way (tests/multihost_test.ts: on another host). */
export async function launchBrowser(extraFlags: string[] = [], executablePath = CHROMIUM_PATH): Promise<Browser> {
  return await chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS, ...extraFlags] });
}

/** A fresh browser profile (context) with its own virtual passkey authenticator. */
export async function newPerson(
  browser: Browser,
  opts: { locale?: string; width?: number } = {},
): Promise<{ context: BrowserContext; page: Page; authenticatorId: string }> {
  const context = await browser.newContext({
    locale: opts.locale ?? "en-US",
    viewport: { width: opts.width ?? 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.error(`[page console] ${m.text()}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page, authenticatorId };
}

/** Saves the page at phone (360 px) and desktop (1280 px) widths under test-artifacts/. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    await page.screenshot({ path: `${ARTIFACTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(original);
}

/** Signs up through the real form and the browser's passkey prompt. */
export async function signUp(page: Page, baseUrl: string, handle: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await islandsReady(page);
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Display name").fill(name);
  await page.getByRole("button", { name: "Create account with a passkey" }).click();
  await page.waitForURL(`${baseUrl}/@${handle}`);
}

/** Waits until every island on the page has hydrated, so clicks reach their handlers. */
export async function islandsReady(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll("spazio-island")].every((el) => el.hasAttribute("data-hydrated"))
  );
}

/** Opens one of the Space screen's sheets from its action bar (Comments, Reactions, Host tools, Audio and more). */
export async function openSheet(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole("toolbar", { name: "Your actions" }).getByRole("button", { name }).click();
  await page.locator("dialog[open]").waitFor();
}

/** Closes the open sheet as a keyboard user would (Escape). */
export async function closeSheet(page: Page): Promise<void> {
  await page.keyboard.press("Escape");
  await page.locator("dialog[open]").waitFor({ state: "detached" });
}

/** Signs out from the top bar's menu. */
export async function signOut(page: Page): Promise<void> {
  await openMoreMenu(page);
  await page.getByRole("button", { name: "Sign out" }).click();
}

/**
 * Opens the top bar's menu: a <summary> named "More" (a disclosure, which Playwright's role
 * queries do not list as a button, though screen readers announce it as one).
 */
export async function openMoreMenu(page: Page, name = "More"): Promise<void> {
  await page.locator(`details.more > summary[aria-label="${name}"]`).click();
}

/** The host starts a Space now from the form, lands on it, and (by default) unmutes. Returns its URL. */
export async function startSpaceAsHost(
  page: Page,
  baseUrl: string,
  title: string,
  opts: { unmute?: boolean } = {},
): Promise<string> {
  await page.goto(`${baseUrl}/spaces/new`);
  await islandsReady(page);
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Start your Space" }).click();
  await page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
  await islandsReady(page);
  if (opts.unmute !== false) {
    await page.getByRole("button", { name: "Unmute my microphone" }).click();
    await page.getByRole("button", { name: "Mute my microphone" }).waitFor();
  }
  return page.url();
}

/** Every WebSocket the page opens: its URL, whether it is still open, and when it closed. */
export function watchSockets(page: Page) {
  const all: { url: string; open: boolean; closedAt?: number }[] = [];
  page.on("websocket", (ws: PageSocket) => {
    const entry: { url: string; open: boolean; closedAt?: number } = { url: ws.url(), open: true };
    all.push(entry);
    ws.on("close", () => {
      entry.open = false;
      entry.closedAt = Date.now();
    });
  });
  return {
    all,
    to: (part: string) => all.filter((s) => s.url.includes(part)),
    openTo: (part: string) => all.filter((s) => s.open && s.url.includes(part)),
  };
}

/**
 * Chromium whose fake microphone plays a sine tone for `seconds` (a temp WAV, deleted by the
 * browser's close()), with autoplay allowed: what every test of heard audio starts with.
 */
export async function launchToneBrowser(seconds: number, hz = 440, extraFlags: string[] = []): Promise<Browser> {
  const wav = await Deno.makeTempFile({ suffix: ".wav" });
  await writeToneWav(wav, seconds, hz);
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${wav}`,
    "--autoplay-policy=no-user-gesture-required",
    ...extraFlags,
  ]);
  const close = browser.close.bind(browser);
  browser.close = async (...args: Parameters<Browser["close"]>) => {
    await close(...args);
    await Deno.remove(wav).catch(() => {});
  };
  return browser;
}
