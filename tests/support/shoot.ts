// Screenshots of pages for a person to look at while working: `deno run -A tests/support/shoot.ts
// <out dir> <path>...` starts the web app (no party, no SFU) and saves each path at 360 and 1280 px,
// light and dark. Not a test: a tool for looking.
import { chromium } from "playwright-core";
import { account } from "./calls.ts";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "./browser.ts";
import { startWeb } from "./web.ts";

const [out, ...paths] = Deno.args;
const web = await startWeb();
const me = await account(web, "shooter");
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
try {
  for (const scheme of ["light", "dark"] as const) {
    for (const width of [360, 1280]) {
      for (const signedIn of [false, true]) {
        const context = await browser.newContext({
          viewport: { width, height: width < 700 ? 740 : 800 },
          colorScheme: scheme,
        });
        if (signedIn) {
          await context.addCookies([{ name: "spazio_session", value: me.cookie.split("=")[1], url: web.url }]);
        }
        const page = await context.newPage();
        for (const path of paths) {
          await page.goto(`${web.url}${path}`);
          const name = `${path.replace(/[^a-z0-9]+/gi, "_") || "home"}-${width}-${scheme}-${
            signedIn ? "in" : "out"
          }.png`;
          await page.screenshot({ path: `${out}/${name}` });
        }
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  await web.close();
}
