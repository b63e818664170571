// Browser side of islands: hydrate every server-rendered instance of one island with its props.
import { type ComponentType, h, hydrate } from "preact";

export function hydrateIslands(name: string, Component: ComponentType<Record<string, unknown>>): void {
  for (const el of document.querySelectorAll(`spazio-island[data-name="${name}"]`)) {
    const props = JSON.parse(el.getAttribute("data-props") ?? "{}");
    hydrate(h(Component, props), el);
    // Lets tests (and styles) know the island is live.
    el.setAttribute("data-hydrated", "");
    performance.mark(`spazio:hydrated:${name}`);
  }
}
