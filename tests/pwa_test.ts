// The PWA shell: Lighthouse's installability audit against Debian's Chromium, the manifest's
// icons, and long cache headers on the content-hashed island bundles.
import assert from "node:assert/strict";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "./support/browser.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("Lighthouse finds Spazio installable", opts, async () => {
  const web = await startWeb();
  const out = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await new Deno.Command("node", {
      args: [
        "node_modules/lighthouse/cli/index.js",
        `${web.url}/`,
        "--only-audits=installable-manifest",
        "--output=json",
        `--output-path=${out}`,
        "--quiet",
        `--chrome-flags=--headless=new ${CHROMIUM_FLAGS.join(" ")}`,
      ],
      env: { CHROME_PATH: CHROMIUM_PATH },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    const report = JSON.parse(await Deno.readTextFile(out));
    const audit = report.audits["installable-manifest"];
    assert.equal(audit.score, 1, JSON.stringify(audit.details?.items));
  } finally {
    await Deno.remove(out).catch(() => {});
    await web.close();
  }
});

Deno.test("the manifest names real icons of the right sizes, one maskable", opts, async () => {
  const web = await startWeb();
  try {
    const manifest = await (await fetch(`${web.url}/manifest.webmanifest`)).json();
    assert.equal(manifest.display, "standalone");
    assert.ok(
      manifest.name && manifest.short_name && manifest.start_url && manifest.theme_color && manifest.background_color,
    );
    for (const icon of manifest.icons) {
      const res = await fetch(new URL(icon.src, web.url));
      assert.equal(res.headers.get("content-type"), "image/png");
      const png = new Uint8Array(await res.arrayBuffer());
      const view = new DataView(png.buffer);
      const [w, h] = [view.getUint32(16), view.getUint32(20)];
      assert.equal(`${w}x${h}`, icon.sizes, icon.src);
    }
    assert.ok(manifest.icons.some((i: { purpose: string }) => i.purpose === "maskable"));
    const home = await (await fetch(`${web.url}/`)).text();
    assert.match(home, /<link rel="manifest" href="\/manifest.webmanifest"\/>/);
    // Home's only island is the live list of Spaces (it keeps the cards live): its module and the
    // service worker registration are the page's only scripts.
    const scripts = home.match(/<script[^>]*>/g) ?? [];
    assert.ok(scripts.length <= 3, scripts.join("\n"));
    assert.ok(scripts.filter((s) => /type="module"/.test(s)).length <= 2, scripts.join("\n"));
    assert.match(home, /LiveSpaces/);
  } finally {
    await web.close();
  }
});

Deno.test("island bundles are content-hashed and cached for a year", opts, async () => {
  const web = await startWeb();
  try {
    const page = await (await fetch(`${web.url}/signup`)).text();
    // Its entry bundle: the group of islands SignUp is built in (scripts/build.ts ENTRY_GROUPS).
    const src = page.match(/<script type="module" src="(\/_build\/[a-z]+-[0-9a-f]{12}\.js)"/)?.[1];
    assert.ok(src, "the sign-up page loads its island bundle");
    const res = await fetch(new URL(src, web.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(await res.text(), /import/);
  } finally {
    await web.close();
  }
});
