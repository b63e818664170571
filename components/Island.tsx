// Renders an island on the server inside a <spazio-island> marker with its props serialised,
// and records it so the page loads that island's bundle.
import type { ComponentType } from "preact";
import { markIslandUsed } from "../lib/server/islands.ts";
import { islands } from "../fresh.config.ts";

type Islands = typeof islands;
type PropsOf<C> = C extends ComponentType<infer P> ? P : never;

export function Island<K extends keyof Islands>(
  { name, props }: { name: K; props: PropsOf<Islands[K]> },
) {
  markIslandUsed(name as string);
  const C = islands[name] as unknown as ComponentType<Record<string, unknown>>;
  return (
    <spazio-island data-name={name as string} data-props={JSON.stringify(props)}>
      <C {...(props as Record<string, unknown>)} />
    </spazio-island>
  );
}

declare module "preact" {
  namespace JSX {
    interface IntrinsicElements {
      "spazio-island": { "data-name": string; "data-props": string; children?: unknown };
    }
  }
}
