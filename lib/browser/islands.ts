// Browser side of islands: hydrate every server-rendered instance of one island with its props.
// Each island's bundle registers its component here, so that after a partial navigation the
// islands in the new content are hydrated too, and those in the old content are unmounted.
import { type ComponentType, h, hydrate, render } from "preact";
import { yieldToMain } from "./yield.ts";

type IslandComponent = ComponentType<Record<string, unknown>>;
// On globalThis: every island bundle must see the same registry, whichever chunk holds this module.
const registry: Map<string, IslandComponent> =
  ((globalThis as { __spazioIslands?: Map<string, IslandComponent> }).__spazioIslands ??= new Map());

/** The page's first hydrations, one after another. */
let hydrations: Promise<void> = Promise.resolve();
/** What the first hydration waits for (holdHydration). */
let gate: Promise<unknown> = Promise.resolve();

/**
 * Lets the page's first hydrations wait until `until` settles, `capMs` at most: a Space opened
 * from its link hears sooner when its media code runs and its connection is on its way before
 * the islands hydrate (lib/browser/space/early_audio.ts), since both take the main thread and the
 * page is already painted from the server's HTML. Called as the bundle's code runs, before any
 * island registers.
 */
export function holdHydration(until: Promise<unknown>, capMs: number): void {
  gate = Promise.race([until.catch(() => {}), new Promise((resolve) => setTimeout(resolve, capMs))]);
}

/**
 * Registers an island and hydrates its instances in the page, each island in a task of its own
 * after the bundle's code has run (the page is already painted from the server's HTML): one long
 * task of evaluating and hydrating everything held every tap and frame behind it.
 */
export function hydrateIslands(name: string, Component: IslandComponent): void {
  registry.set(name, Component);
  hydrations = hydrations.then(() => gate).then(yieldToMain).then(() => hydrateIn(document, name, Component)).catch(
    reportError,
  );
}

function hydrateIn(root: ParentNode, name: string, Component: IslandComponent): void {
  for (const el of root.querySelectorAll(`spazio-island[data-name="${name}"]:not([data-hydrated])`)) {
    const props = JSON.parse(el.getAttribute("data-props") ?? "{}");
    hydrate(h(Component, props), el);
    // Lets tests (and styles) know the island is live.
    el.setAttribute("data-hydrated", "");
    performance.mark(`spazio:hydrated:${name}`);
  }
}

/** Hydrates the islands under `root` whose bundles are already loaded (after a content swap). */
export function hydratePending(root: ParentNode): void {
  for (const [name, Component] of registry) hydrateIn(root, name, Component);
}

/** Unmounts the islands under `root`, so their effects clean up before the content goes. */
export function unmountIslands(root: ParentNode): void {
  for (const el of root.querySelectorAll("spazio-island[data-hydrated]")) render(null, el);
}
