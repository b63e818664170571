// JSON for the inside of a <script> element the server writes (an inline script's values, a JSON
// block): with no `<`, so no `</script>` or `<!--` in a value can end or change the element.

/** `v` as JSON safe inside a <script> element; `undefined` becomes `null`. */
export function jsonInScript(v: unknown): string {
  return JSON.stringify(v ?? null).replace(/</g, "\\u003c");
}
