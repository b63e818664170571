// The stylesheet as a page may carry it inline (a Space page opened from its link): read once,
// without its comments. Such a page paints as soon as its HTML is in, not a request later, and its
// stylesheet does not share a slow link with the media code it fetches at once.
const STYLES_URL = new URL("../../static/styles.css", import.meta.url);

let styles: string | undefined;

/** static/styles.css without its comments, for a `<style>` element (it holds no `</`). */
export function inlineStylesheet(): string {
  if (styles === undefined) {
    const css = Deno.readTextFileSync(STYLES_URL).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\n\s*\n/g, "\n");
    if (css.includes("</")) throw new Error("static/styles.css holds `</`: it cannot go inside a <style> element");
    styles = css;
  }
  return styles;
}
