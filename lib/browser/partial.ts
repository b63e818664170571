// Partial navigation, the way Fresh's Partials do it: once a page with something that must outlive
// it (a Space, a call) has loaded, links inside the app fetch the next page from the server and
// swap in its content (the top bar, the tabs and <main>), keeping everything else alive: the dock,
// the call ringer, their sockets and media. Real URLs, back and forward, and a full page load
// always work too (anything unusual falls back to one).
import { signal } from "@preact/signals";
import { hydratePending, unmountIslands } from "./islands.ts";
import { AFTER_MEDIA_ID } from "../shared/after_media.ts";

/** The path shown now; the dock reads it to know whether its Space's own screen is open. */
export const currentPath = signal(typeof location === "undefined" ? "/" : location.pathname);

/** Parts of the page the server renders anew for every page; everything else stays. */
const SWAPPED = ["header.topbar", "nav.tabs", "main"] as const;

let installed = false;
let navigating: AbortController | null = null;

export function installPartialNavigation(): void {
  if (installed || typeof document === "undefined") return;
  installed = true;
  history.scrollRestoration = "manual";
  history.replaceState({ ...(history.state ?? {}), spazio: true, scroll: scrollY }, "");
  document.addEventListener("click", onClick);
  addEventListener("popstate", (e) => {
    if (!(e.state as { spazio?: boolean } | null)?.spazio) return location.reload();
    void navigate(location.href, { push: false, scroll: (e.state as { scroll?: number }).scroll ?? 0 });
  });
}

function onClick(e: MouseEvent) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
  if (!a || a.target || a.hasAttribute("download") || a.dataset.native !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(api|_build|static)\//.test(url.pathname)) return;
  // A link to a place on this same page is the browser's business.
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  e.preventDefault();
  void navigate(url.href, { push: true, scroll: 0 });
}

/** Fetches `href`, swaps its content in, and records it in the history. */
export async function navigate(href: string, opts: { push: boolean; scroll: number }): Promise<void> {
  navigating?.abort();
  const ctl = (navigating = new AbortController());
  // Where we were, so back comes to the same place.
  history.replaceState({ ...(history.state ?? {}), spazio: true, scroll: scrollY }, "");
  document.documentElement.dataset.navigating = "";
  let res: Response;
  let html: string;
  try {
    res = await fetch(href, { headers: { accept: "text/html" }, credentials: "same-origin", signal: ctl.signal });
    if (!(res.headers.get("content-type") ?? "").includes("text/html")) return location.assign(href);
    html = await res.text();
  } catch {
    // A newer navigation took over; or offline: let the browser (and the service worker) say so.
    if (ctl.signal.aborted) return;
    return location.assign(href);
  } finally {
    if (navigating === ctl) delete document.documentElement.dataset.navigating;
  }
  if (ctl.signal.aborted) return;
  const doc = new DOMParser().parseFromString(html, "text/html");
  if (!SWAPPED.every((sel) => doc.querySelector(sel))) return location.assign(href);
  const finalUrl = res.redirected ? res.url : href;

  loadScripts(doc);
  const main = document.querySelector("main")!;
  unmountIslands(main);
  for (const sel of SWAPPED) document.querySelector(sel)!.replaceWith(document.adoptNode(doc.querySelector(sel)!));
  document.title = doc.title;
  document.documentElement.lang = doc.documentElement.lang;
  if (opts.push) history.pushState({ spazio: true, scroll: 0 }, "", finalUrl);
  currentPath.value = new URL(finalUrl).pathname;
  hydratePending(document.querySelector("main")!);
  // A link to a place on the new page (/settings#calls) lands there, as a full load would.
  const hash = new URL(finalUrl).hash.slice(1);
  const place = hash ? document.getElementById(decodeURIComponent(hash)) : null;
  if (place) place.scrollIntoView();
  else scrollTo(0, opts.scroll);
  // A screen reader hears the new page (or the place linked to); keyboard focus starts there.
  const heading = place?.querySelector<HTMLElement>("h1, h2") ?? document.querySelector<HTMLElement>("main h1");
  const target = heading ?? document.querySelector<HTMLElement>("main")!;
  if (heading) heading.tabIndex = -1;
  target.focus({ preventScroll: true });
  dispatchEvent(new CustomEvent("spazio:navigated", { detail: { path: currentPath.value } }));
}

/** The new page's island bundles and preloads that this page has not loaded yet. */
function loadScripts(doc: Document) {
  const have = new Set([...document.querySelectorAll<HTMLScriptElement>("script[src]")].map((s) => s.src));
  // A Space page opened from its link lists its islands' files in a JSON block instead (Layout's
  // `islandsAfterMedia`); its early media script does not run here.
  const listed = afterMediaFiles(doc);
  const srcs = [...doc.querySelectorAll<HTMLScriptElement>("head script[type=module][src]")]
    .map((s) => s.getAttribute("src")!).concat(listed.scripts);
  const hrefs = [...doc.querySelectorAll<HTMLLinkElement>("head link[rel=modulepreload]")]
    .map((l) => l.getAttribute("href")!).concat(listed.preloads);
  for (const s of srcs) {
    const src = new URL(s, location.href).href;
    if (have.has(src)) continue;
    const script = document.createElement("script");
    script.type = "module";
    script.src = src;
    document.head.append(script);
  }
  const preloaded = new Set(
    [...document.querySelectorAll<HTMLLinkElement>("link[rel=modulepreload]")].map((l) => l.href),
  );
  for (const l of hrefs) {
    const href = new URL(l, location.href).href;
    if (preloaded.has(href)) continue;
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = href;
    document.head.append(link);
  }
}

/** The islands' files a page lists in its JSON block (AFTER_MEDIA_ID), if it has one. */
function afterMediaFiles(doc: Document): { scripts: string[]; preloads: string[] } {
  try {
    const d = JSON.parse(doc.getElementById(AFTER_MEDIA_ID)?.textContent ?? "null");
    const strings = (v: unknown) => Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    return { scripts: strings(d?.scripts), preloads: strings(d?.preloads) };
  } catch {
    return { scripts: [], preloads: [] };
  }
}
