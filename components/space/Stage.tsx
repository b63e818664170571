// The stage: avatars with role badges, mute state and a speaking ring; for hosts and co-hosts,
// a disclosure of actions per person. Used by the Space page on the server and in the island.
import type { StageMember } from "../../lib/protocol/space.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { useState } from "preact/hooks";
import { Icon } from "../Icon.tsx";
import { Avatar } from "../Avatar.tsx";
import type { JSX } from "preact";

export type StageAction = "mute" | "moveToAudience" | "remove" | "addCohost" | "removeCohost" | "report";

export interface StageProps {
  lang: Lang;
  stage: StageMember[];
  youSub?: string;
  youRole?: string;
  speaking?: string[];
  onAction?: (action: StageAction, m: StageMember) => void;
  /** A person's camera tile, when they send one and this page shows video (in the island). */
  videoOf?: (m: StageMember, name: string) => JSX.Element | null;
}

function actionsFor(m: StageMember, youSub?: string, youRole?: string): StageAction[] {
  if (!youSub || m.sub === youSub) return [];
  const mod = youRole === "host" || youRole === "cohost";
  const out: StageAction[] = [];
  if (mod && m.role !== "host") {
    if (!m.muted) out.push("mute");
    if (m.role === "speaker" || youRole === "host") out.push("moveToAudience");
    out.push("remove");
  }
  if (youRole === "host" && m.role === "speaker") out.push("addCohost");
  if (youRole === "host" && m.role === "cohost") out.push("removeCohost");
  if (!youSub.startsWith("a:")) out.push("report");
  return out;
}

const ACTION_LABEL = {
  mute: "space.mute_person",
  moveToAudience: "space.move_to_audience",
  remove: "space.remove_person",
  addCohost: "space.make_cohost",
  removeCohost: "space.remove_cohost",
  report: "space.report_person",
} as const;

export function Stage({ lang, stage, youSub, youRole, speaking = [], onAction, videoOf }: StageProps) {
  // The loudest person with a camera gets the large tile.
  const tiles = new Map(stage.map((m) => [m.sub, videoOf?.(m, m.name ?? `@${m.handle}`) ?? null]));
  const featured = speaking.find((s) => tiles.get(s)) ?? stage.find((m) => tiles.get(m.sub))?.sub;
  return (
    <section aria-labelledby="stage-h" class="stage">
      <h2 id="stage-h">{t(lang, "space.stage")}</h2>
      <ul class="stage-grid">
        {stage.map((m) => {
          const name = m.name ?? `@${m.handle}`;
          const isSpeaking = speaking.includes(m.sub) && !m.muted;
          const actions = onAction ? actionsFor(m, youSub, youRole) : [];
          const tile = tiles.get(m.sub);
          const cls = `member${isSpeaking ? " speaking" : ""}${m.present === false ? " away" : ""}${
            tile ? " has-video" : ""
          }${tile && featured === m.sub ? " featured" : ""}`;
          return (
            <li key={m.sub} class={cls} data-sub={m.sub}>
              {tile ?? <Avatar id={m.sub} name={name} size={64} />}
              <span class="member-name">
                {name} {m.sub === youSub && <span class="muted">{t(lang, "space.you")}</span>}
              </span>
              <span class="member-meta">
                <span class={`badge role-${m.role}`}>{t(lang, `space.role.${m.role}`)}</span>
                <span
                  class={`mic${m.muted ? " off" : ""}`}
                  role="img"
                  aria-label={m.muted
                    ? t(lang, "space.muted")
                    : isSpeaking
                    ? t(lang, "space.speaking")
                    : t(lang, "space.mic_on")}
                >
                  <Icon name={m.muted ? "micOff" : "mic"} size={16} />
                </span>
              </span>
              {actions.length > 0 && (
                <MemberMenu
                  lang={lang}
                  name={name}
                  actions={actions}
                  run={(a) => onAction!(a, m)}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A button that opens a person's actions; Escape or a chosen action closes it. */
function MemberMenu(
  { lang, name, actions, run }: { lang: Lang; name: string; actions: StageAction[]; run: (a: StageAction) => void },
) {
  const [open, setOpen] = useState(false);
  return (
    <div class="menu" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <button
        type="button"
        class="menu-toggle"
        aria-expanded={open}
        aria-label={t(lang, "space.people_options", { name })}
        onClick={() => setOpen(!open)}
      >
        <Icon name="more" size={20} />
      </button>
      {open && (
        <div class="menu-items">
          {actions.map((a) => (
            <button
              type="button"
              key={a}
              class={a === "remove" || a === "report" ? "danger" : ""}
              onClick={() => {
                setOpen(false);
                run(a);
              }}
            >
              {t(lang, ACTION_LABEL[a], { name })}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
