// The main screens as a person first sees them, in Debian's Chromium: home, a profile, settings,
// people, sign-up, sign-in, starting a Space, a scheduled Space, an ended Space, and a live Space as its host and as
// an anonymous listener. At phone (360x740) and desktop (1280x800) sizes: nothing scrolls sideways,
// and each screen's main controls are on screen, uncovered, without scrolling (light at both sizes,
// dark on the phone). axe-core finds no accessibility violation in English light and dark
// (colours), and in French and Italian light (words: every rule but colour contrast). SPAZIO_AXE_ALL=1 runs every combination (a
// third longer). Screenshots and the axe report are saved under test-artifacts/screens/.
// Longer than 300 lines on purpose: every screen is shot against one running stack; a split would
// start the stack again.
import assert from "node:assert/strict";
import type { Browser, Locator, Page } from "playwright-core";
import { DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { signRequest } from "../lib/protocol/token.ts";
import { islandsReady, launchBrowser } from "./support/browser.ts";
import { type Account, account, call } from "./support/calls.ts";
import { type Stack, startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const OUT = `${Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts"}/screens`;
/** Every language in both themes for axe, and the dark theme at desktop size too (a slower, fuller run). */
const AXE_ALL = Deno.env.get("SPAZIO_AXE_ALL") === "1";
const AXE = await Deno.readTextFile(new URL("../node_modules/axe-core/axe.min.js", import.meta.url));
const SIZES = [{ width: 360, height: 740 }, { width: 1280, height: 800 }] as const;
const LOCALES = { en: "en-US", fr: "fr-FR", it: "it-IT" } as const;

interface Screen {
  name: string;
  path: string;
  /** Who looks: an account, or nobody (anonymous). */
  who: Account | null;
  /** The controls that must be on screen without scrolling (checked in English). */
  primary: (page: Page) => Locator[];
  /** Waits until the screen is drawn as a person would see it. */
  ready?: (page: Page) => Promise<void>;
}

interface Seeded {
  host: Account;
  viewer: Account;
  live: string;
  scheduled: string;
  ended: string;
}

async function seed(stack: Stack): Promise<Seeded> {
  const { web } = stack;
  const host = await account(web, "hana", { verified: true });
  const viewer = await account(web, "ada");
  await web.deps.users.update(host.user.id, {
    displayName: "Hana Yamamoto",
    bio: "Jazz pianist. Hosting late sets on Fridays.",
  });
  await web.deps.social.follow(viewer.user.id, host.user.id);
  const live = await call(web, host, "POST", "/api/spaces", {
    title: "Jazz after midnight",
    lang: "en",
    topics: ["music", "jazz"],
  });
  assert.equal(live.status, 201, JSON.stringify(live.body));
  const scheduled = await call(web, host, "POST", "/api/spaces", {
    title: "Sunday chess club",
    lang: "it",
    topics: ["chess"],
    scheduledFor: Date.now() + 2 * 86_400_000,
  });
  assert.equal(scheduled.status, 201, JSON.stringify(scheduled.body));
  // An ended Space: a live one the room has reported as ended (the room's word is signed).
  const other = await call(web, viewer, "POST", "/api/spaces", { title: "Morning news", lang: "en" });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const body = JSON.stringify({ status: "ended", title: "Morning news", listenerCount: 0, stage: [] });
  const ended = await fetch(`${web.url}/api/internal/spaces/${other.body.id}/state`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...(await signRequest(DEV_SERVER_SECRET, body)) },
  });
  assert.equal(ended.status, 200);
  await ended.body?.cancel();
  return { host, viewer, live: live.body.id, scheduled: scheduled.body.id, ended: other.body.id };
}

function screens(s: Seeded): Screen[] {
  const bar = (page: Page) => page.getByRole("toolbar", { name: "Your actions" });
  const liveReady = async (page: Page) => {
    // By class, not name: this runs in every language.
    await page.locator(".action-bar").waitFor();
    await page.getByTestId("listener-count").waitFor();
  };
  return [
    {
      name: "home",
      path: "/",
      who: s.viewer,
      primary: (
        p,
      ) => [
        p.getByRole("link", { name: "Start a Space" }).first(),
        p.getByRole("searchbox", { name: "Search Spaces" }),
      ],
    },
    {
      name: "profile",
      path: "/@hana",
      who: s.viewer,
      primary: (
        p,
      ) => [p.getByRole("button", { name: "Unfollow" }), p.getByRole("link", { name: "Message", exact: true })],
    },
    {
      name: "settings",
      path: "/settings",
      who: s.viewer,
      primary: (p) => [p.getByLabel("Display name"), p.getByRole("button", { name: "Save profile" })],
    },
    {
      name: "people",
      path: "/people",
      who: s.viewer,
      primary: (p) => [p.getByRole("searchbox", { name: "Search people" })],
    },
    {
      name: "signup",
      path: "/signup",
      who: null,
      primary: (p) => [p.getByLabel("Handle"), p.getByRole("button", { name: "Create account with a passkey" })],
    },
    {
      name: "signin",
      path: "/signin",
      who: null,
      primary: (p) => [p.getByRole("button", { name: "Sign in with a passkey" })],
    },
    {
      name: "start-space",
      path: "/spaces/new",
      who: s.viewer,
      primary: (p) => [p.getByLabel("Title"), p.getByRole("button", { name: "Start your Space" })],
    },
    {
      name: "scheduled",
      path: `/s/${s.scheduled}`,
      who: s.viewer,
      primary: (p) => [p.getByRole("button", { name: "Set reminder" }), p.getByRole("button", { name: "Share" })],
    },
    {
      name: "ended",
      path: `/s/${s.ended}`,
      who: s.viewer,
      primary: (p) => [p.getByRole("link", { name: "Back to home" })],
    },
    {
      name: "live-host",
      path: `/s/${s.live}`,
      who: s.host,
      ready: liveReady,
      primary: (
        p,
      ) => [
        bar(p).getByRole("button", { name: /microphone/ }),
        bar(p).getByRole("button", { name: "Reactions" }),
        bar(p).getByRole("button", { name: /Comments/ }),
        bar(p).getByRole("button", { name: /Host tools/ }),
        bar(p).getByRole("button", { name: "Audio and more" }),
      ],
    },
    {
      name: "live-listener",
      path: `/s/${s.live}`,
      who: null,
      ready: liveReady,
      primary: (
        p,
      ) => [
        bar(p).getByRole("link", { name: "Sign in to comment or ask to speak" }),
        bar(p).getByRole("button", { name: "Reactions" }),
        bar(p).getByRole("button", { name: /Comments/ }),
      ],
    },
  ];
}

function byName(all: Screen[], name: string): Screen {
  return all.find((s) => s.name === name)!;
}

async function open(
  browser: Browser,
  stack: Stack,
  screen: Screen,
  o: { locale: string; scheme: "light" | "dark"; width: number; height: number },
) {
  const context = await browser.newContext({
    locale: o.locale,
    colorScheme: o.scheme,
    viewport: { width: o.width, height: o.height },
  });
  if (screen.who) {
    await context.addCookies([{ name: "spazio_session", value: screen.who.cookie.split("=")[1], url: stack.web.url }]);
  }
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[${screen.name} page error] ${e.message}`));
  await page.goto(`${stack.web.url}${screen.path}`);
  await islandsReady(page);
  await screen.ready?.(page);
  return { context, page };
}

/**
 * Runs `each` over `items` two at a time, each page in its own browser context: a page's opening
 * is mostly waiting (on its servers and its islands), so two overlap well on two cores.
 */
async function twoAtATime<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await each(item);
  };
  await Promise.all([worker(), worker()]);
}

/** Where a control is, and whether something else covers its middle. */
async function placement(control: Locator) {
  if (!(await control.waitFor({ timeout: 5_000 }).then(() => true, () => false))) {
    return { inside: false, covered: false, box: "not found", by: "" };
  }
  return await control.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight && r.width > 0,
      covered: !hit || !(el === hit || el.contains(hit)),
      box: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${
        Math.round(r.height)
      } in ${innerWidth}x${innerHeight}`,
      by: hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join(".")}` : "nothing",
    };
  });
}

interface Violation {
  page: string;
  lang: string;
  scheme: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
  message: string;
}

/** axe's violations on the page; `contrast: false` leaves out colour contrast (its slowest rule). */
async function axe(page: Page, contrast: boolean): Promise<Omit<Violation, "page" | "lang" | "scheme">[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(async (contrast) => {
    // deno-lint-ignore no-explicit-any
    const r = await (globalThis as any).axe.run(document, {
      resultTypes: ["violations"],
      rules: { "color-contrast": { enabled: contrast } },
    });
    // deno-lint-ignore no-explicit-any
    return r.violations.map((v: any) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      // deno-lint-ignore no-explicit-any
      targets: v.nodes.map((n: any) => n.target.join(" ")),
      message: v.nodes[0]?.failureSummary?.split("\n").slice(0, 3).join(" ") ?? "",
    }));
  }, contrast);
  return result;
}

Deno.test(
  "the main screens fit phones and desktops, and axe finds nothing in three languages and both themes",
  opts,
  async ({ step }) => {
    const stack = await startStack({ sfu: true });
    const browser = await launchBrowser();
    await Deno.mkdir(OUT, { recursive: true });
    try {
      const seeded = await seed(stack);
      const all = screens(seeded);
      // The host stays in their Space all along, as a host does: the listener sees them present.
      const stayingHost = await open(browser, stack, byName(all, "live-host"), {
        locale: LOCALES.en,
        scheme: "light",
        ...SIZES[1],
      });

      await step("no sideways scrolling, main controls on screen, in light and dark", async () => {
        const problems: string[] = [];
        const runs: { screen: Screen; size: (typeof SIZES)[number]; scheme: "light" | "dark" }[] = [];
        for (const screen of all) {
          for (const size of SIZES) {
            for (const scheme of ["light", "dark"] as const) {
              // The layout is the same in both themes: dark is shot on the phone (where it is most
              // used), both at desktop size with SPAZIO_AXE_ALL=1.
              if (scheme === "dark" && size.width > 360 && !AXE_ALL) continue;
              runs.push({ screen, size, scheme });
            }
          }
        }
        await twoAtATime(runs, async ({ screen, size, scheme }) => {
          const { context, page } = await open(browser, stack, screen, { locale: LOCALES.en, scheme, ...size });
          try {
            const overflow = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth,
              width: innerWidth,
            }));
            if (overflow.scroll > overflow.width) {
              problems.push(`${screen.name} ${size.width}: scrollWidth ${overflow.scroll} > ${overflow.width}`);
            }
            for (const control of screen.primary(page)) {
              const at = await placement(control);
              if (!at.inside || at.covered) {
                problems.push(
                  `${screen.name} ${size.width} ${scheme}: ${control} ${at.inside ? "" : "outside the viewport"}${
                    at.covered ? ` covered by ${at.by}` : ""
                  } (${at.box})`,
                );
              }
            }
            await page.screenshot({ path: `${OUT}/${screen.name}-${size.width}-${scheme}.png` });
          } finally {
            await context.close();
          }
        });
        problems.sort();
        assert.deepEqual(problems, []);
      });

      await step("one person has one avatar colour: profile, home card and the Space's stage", async () => {
        const colour = async (screen: Screen, selector: string) => {
          const { context, page } = await open(browser, stack, screen, {
            locale: LOCALES.en,
            scheme: "light",
            ...SIZES[1],
          });
          try {
            return await page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);
          } finally {
            await context.close();
          }
        };
        const [profile, home, live] = [byName(all, "profile"), byName(all, "home"), byName(all, "live-host")];
        const onProfile = await colour(profile, ".profile-face .avatar");
        assert.equal(await colour(home, ".space-card.live .faces .avatar"), onProfile);
        assert.equal(await colour(live, ".stage .member .avatar"), onProfile);
      });

      await step("axe-core: no violations in en (light and dark), fr and it", async () => {
        const found: Violation[] = [];
        const runs: { lang: string; locale: string; scheme: "light" | "dark"; screen: Screen }[] = [];
        for (const [lang, locale] of Object.entries(LOCALES)) {
          for (const scheme of ["light", "dark"] as const) {
            if (lang !== "en" && scheme === "dark" && !AXE_ALL) continue;
            for (const screen of all) runs.push({ lang, locale, scheme, screen });
          }
        }
        await twoAtATime(runs, async ({ lang, locale, scheme, screen }) => {
          const { context, page } = await open(browser, stack, screen, { locale, scheme, ...SIZES[0] });
          try {
            assert.equal(await page.locator("html").getAttribute("lang"), lang);
            // Colours are the same in every language: English light and dark check contrast.
            for (const v of await axe(page, lang === "en" || AXE_ALL)) {
              found.push({ page: screen.name, lang, scheme, ...v });
            }
          } finally {
            await context.close();
          }
        });
        found.sort((a, b) => `${a.lang}${a.scheme}${a.page}`.localeCompare(`${b.lang}${b.scheme}${b.page}`));
        await Deno.writeTextFile(`${OUT}/axe-report.json`, JSON.stringify(found, null, 2));
        const summary = found.map((v) =>
          `${v.page} [${v.lang} ${v.scheme}] ${v.rule} (${v.impact}): ${
            v.targets.slice(0, 3).join(", ")
          } - ${v.message}`
        );
        assert.deepEqual(summary, [], `axe violations (full report in ${OUT}/axe-report.json)`);
      });
      await stayingHost.context.close();
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
