// The installed app's splash and title bar: the manifest's colours are the page's own light theme
// (the stylesheet's --bg and the layout's light theme-color), so an installed Spazio does not open
// on a dark splash before a light page.
import assert from "node:assert/strict";
import { startWeb } from "./support/web.ts";

Deno.test("the manifest's splash and bar colours are the light page's colours", async () => {
  const web = await startWeb();
  try {
    const manifest = await (await fetch(`${web.url}/manifest.webmanifest`)).json();
    const css = await (await fetch(`${web.url}/static/styles.css`)).text();
    const lightBg = css.match(/:root\s*{[^}]*--bg:\s*(#[0-9a-f]{6})/i)?.[1];
    assert.ok(lightBg, "the stylesheet's light --bg");
    const home = await (await fetch(`${web.url}/`)).text();
    const lightBar = home.match(
      /<meta name="theme-color" content="(#[0-9a-f]{6})" media="\(prefers-color-scheme: light\)"/,
    )
      ?.[1];
    assert.ok(lightBar, "the layout's light theme-color");
    assert.equal(manifest.background_color.toLowerCase(), lightBg.toLowerCase());
    assert.equal(manifest.theme_color.toLowerCase(), lightBar.toLowerCase());
  } finally {
    await web.close();
  }
});
