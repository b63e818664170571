// Cameras going on and off, said aloud to screen readers: the names of whoever turned theirs on
// or off since the last change of the set of cameras on the page.
import { useEffect, useRef } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { StageMember } from "../../lib/protocol/space.ts";

/** Calls `say` with what changed whenever `camSubs` (the subs on camera, sorted) changes. */
export function useCameraNotices(lang: Lang, camSubs: string[], stage: StageMember[], say: (s: string) => void) {
  const cams = useRef<Set<string>>(new Set());
  const key = [...camSubs].sort().join(",");
  useEffect(() => {
    const now = new Set(key ? key.split(",") : []);
    const nameOf = (sub: string) => {
      const m = stage.find((x) => x.sub === sub);
      return m?.name ?? (m?.handle ? `@${m.handle}` : "");
    };
    const on = [...now].filter((x) => !cams.current.has(x));
    const off = [...cams.current].filter((x) => !now.has(x));
    cams.current = now;
    const said = [
      ...on.map((x) => t(lang, "space.camera_is_on", { name: nameOf(x) })),
      ...off.map((x) => t(lang, "space.camera_is_off", { name: nameOf(x) })),
    ];
    if (said.length) say(said.join(". "));
  }, [key]);
}
