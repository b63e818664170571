// Renders static/icons/icon.svg to the PNG icons the manifest names, with Debian's Chromium.
// Run once when the artwork changes (`deno run -A scripts/make-icons.ts`); the PNGs are committed.
import { chromium } from "playwright-core";

const svg = await Deno.readTextFile("static/icons/icon.svg");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
for (
  const [file, size, maskable] of [["icon-192.png", 192, false], ["icon-512.png", 512, false], [
    "maskable-512.png",
    512,
    true,
  ]] as const
) {
  await page.setViewportSize({ width: size, height: size });
  // A maskable icon fills the square and keeps its mark inside the 80% safe zone.
  const inner = maskable
    ? `<div style="width:${size}px;height:${size}px;background:#5b21b6;display:flex;align-items:center;justify-content:center">
         <div style="width:${size * 0.7}px;height:${size * 0.7}px">${svg.replace('rx="112"', 'rx="0"')}</div></div>`
    : `<div style="width:${size}px;height:${size}px">${svg}</div>`;
  await page.setContent(`<html><body style="margin:0;background:transparent">${inner}</body></html>`);
  await page.screenshot({ path: `static/icons/${file}`, omitBackground: true });
}
await browser.close();
console.log("icons written");
