import { type Signal, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { api } from "../lib/browser/api_client.ts";
import { SpaceCreated, SpaceEdited } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import { toast } from "../components/Toast.tsx";
import { SwitchRow } from "../components/SwitchRow.tsx";

const LANGS = ["en", "fr", "it", "es", "de", "pt", "other"] as const;
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

interface Props {
  lang: Lang;
  /** Open on "Schedule for later" (the home page's "Schedule a Space"). */
  later?: boolean;
  /** Editing a scheduled Space: its id and current values. */
  edit?: {
    id: string;
    title: string;
    topics: string[];
    lang: string;
    scheduledFor: number;
    cohosts: string[];
    speakers: string[];
    allowVideo: boolean;
    record?: boolean;
  };
}

/** Creates a Space now or scheduled (up to 14 days), or edits a scheduled one. */
export default function CreateSpace({ lang, edit, later: laterFirst = false }: Props) {
  const title = useSignal(edit?.title ?? "");
  const topics = useSignal(edit?.topics.join(", ") ?? "");
  const spaceLang = useSignal(edit?.lang ?? ((LANGS as readonly string[]).includes(lang) ? lang : "en"));
  const later = useSignal(!!edit || laterFirst);
  const at = useSignal(edit ? toLocalInput(edit.scheduledFor) : "");
  const cohosts = useSignal(edit?.cohosts.join(", ") ?? "");
  const speakers = useSignal(edit?.speakers.join(", ") ?? "");
  const allowVideo = useSignal(edit?.allowVideo ?? false);
  const record = useSignal(edit?.record ?? false);
  const busy = useSignal(false);
  const error = useSignal<{ field?: string; code: MessageKey } | null>(null);

  // What the person typed before the island hydrated is theirs: hydration keeps the server-rendered
  // fields as they are, but the next render would put the (empty) starting values back. So the
  // fields' current values become the starting values, before any other render.
  const form = useRef<HTMLFormElement>(null);
  useLayoutEffect(() => {
    const typed = (id: string, into: Signal<string>) => {
      const el = form.current?.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`);
      if (el && el.value !== into.peek()) into.value = el.value;
    };
    typed("space-title", title);
    typed("space-topics", topics);
    typed("space-lang", spaceLang);
    typed("space-cohosts", cohosts);
    typed("space-speakers", speakers);
  }, []);

  // A refused field takes the focus (inside the people section, which then opens).
  useEffect(() => {
    const f = error.value?.field;
    const id = f &&
      {
        title: "space-title",
        topics: "space-topics",
        scheduledFor: "space-at",
        cohosts: "space-cohosts",
        speakers: "space-speakers",
      }[f];
    if (id) document.getElementById(id)?.focus();
  }, [error.value]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const body = {
      title: title.value,
      topics: list(topics.value),
      lang: spaceLang.value,
      ...(later.value ? { scheduledFor: at.value ? new Date(at.value).getTime() : 0 } : {}),
      cohosts: list(cohosts.value),
      speakers: list(speakers.value),
      allowVideo: allowVideo.value,
      record: record.value,
    };
    if (edit) {
      const r = await api("PATCH", `/api/spaces/${edit.id}`, SpaceEdited, body);
      busy.value = false;
      if (!r.ok) return void (error.value = { field: r.field, code: r.code });
      return toast(t(lang, "space.saved"));
    }
    const r = await api("POST", "/api/spaces", SpaceCreated, body);
    busy.value = false;
    if (!r.ok) return void (error.value = { field: r.field, code: r.code });
    location.assign(r.data.url);
  }

  const err = error.value;
  const fieldError = (f: string) => err?.field === f ? <p class="error" role="alert">{t(lang, err.code)}</p> : null;
  const inv = (f: string) => (err?.field === f ? "true" : undefined);
  const peopleOpen = !!(edit && (edit.cohosts.length || edit.speakers.length)) || err?.field === "cohosts" ||
    err?.field === "speakers";
  return (
    <form class="create-space" ref={form} onSubmit={submit} noValidate>
      <div class="field">
        <label for="space-title">{t(lang, "space.title_label")}</label>
        <input
          id="space-title"
          class="title-input"
          maxLength={70}
          required
          placeholder={t(lang, "space.title_placeholder")}
          aria-invalid={inv("title")}
          aria-describedby="space-title-hint"
          value={title.value}
          onInput={(e) => (title.value = (e.target as HTMLInputElement).value)}
        />
        <p id="space-title-hint" class="hint">{t(lang, "space.title_hint")} {title.value.length}/70</p>
        {fieldError("title")}
      </div>
      <div class="field-row">
        <div class="field">
          <label for="space-topics">{t(lang, "space.topics_label")}</label>
          <input
            id="space-topics"
            aria-describedby="space-topics-hint"
            aria-invalid={inv("topics")}
            value={topics.value}
            onInput={(e) => (topics.value = (e.target as HTMLInputElement).value)}
          />
          <p id="space-topics-hint" class="hint">{t(lang, "space.topics_hint")}</p>
          {fieldError("topics")}
        </div>
        <div class="field">
          <label for="space-lang">{t(lang, "space.lang_label")}</label>
          <select
            id="space-lang"
            value={spaceLang.value}
            onChange={(e) => (spaceLang.value = (e.target as HTMLSelectElement).value)}
          >
            {LANGS.map((l) => <option value={l} key={l}>{t(lang, `space.lang.${l}`)}</option>)}
          </select>
        </div>
      </div>
      {!edit && (
        <fieldset class="segmented">
          <legend>{t(lang, "space.when")}</legend>
          <label class={!later.value ? "on" : ""}>
            <input type="radio" name="when" checked={!later.value} onChange={() => (later.value = false)} />
            <Icon name="broadcast" size={20} />
            {t(lang, "space.now")}
          </label>
          <label class={later.value ? "on" : ""}>
            <input type="radio" name="when" checked={later.value} onChange={() => (later.value = true)} />
            <Icon name="calendar" size={20} />
            {t(lang, "space.later")}
          </label>
        </fieldset>
      )}
      {later.value && (
        <div class="field">
          <label for="space-at">{t(lang, "space.schedule_at")}</label>
          <input
            id="space-at"
            type="datetime-local"
            required
            aria-invalid={inv("scheduledFor")}
            value={at.value}
            onInput={(e) => (at.value = (e.target as HTMLInputElement).value)}
          />
          {fieldError("scheduledFor")}
        </div>
      )}
      <SwitchRow
        icon="video"
        label={t(lang, "space.allow_video")}
        hint={t(lang, "space.allow_video_hint")}
        checked={allowVideo.value}
        onChange={(on) => (allowVideo.value = on)}
      />
      <SwitchRow
        icon="rec"
        label={t(lang, "rec.record_space")}
        hint={t(lang, "rec.record_space_hint")}
        checked={record.value}
        onChange={(on) => (record.value = on)}
      />
      <details class="more-fields" open={peopleOpen}>
        <summary>
          <Icon name="users" size={20} />
          {t(lang, "space.more_people")}
          <Icon name="chevronDown" size={18} />
        </summary>
        <div class="field">
          <label for="space-cohosts">{t(lang, "space.cohosts_label")}</label>
          <input
            id="space-cohosts"
            autocapitalize="none"
            aria-describedby="space-people-hint"
            aria-invalid={inv("cohosts")}
            value={cohosts.value}
            onInput={(e) => (cohosts.value = (e.target as HTMLInputElement).value)}
          />
          {fieldError("cohosts")}
        </div>
        <div class="field">
          <label for="space-speakers">{t(lang, "space.speakers_label")}</label>
          <input
            id="space-speakers"
            autocapitalize="none"
            aria-describedby="space-people-hint"
            aria-invalid={inv("speakers")}
            value={speakers.value}
            onInput={(e) => (speakers.value = (e.target as HTMLInputElement).value)}
          />
          {fieldError("speakers")}
        </div>
        <p id="space-people-hint" class="hint">{t(lang, "space.people_hint")}</p>
      </details>
      {err && !err.field && <p class="error" role="alert">{t(lang, err.code)}</p>}
      <button type="submit" class="button wide" aria-disabled={busy.value} aria-busy={busy.value}>
        <Icon name={edit ? "check" : later.value ? "calendar" : "mic"} size={20} />
        {busy.value
          ? t(lang, "space.creating")
          : edit
          ? t(lang, "space.save_changes")
          : later.value
          ? t(lang, "space.schedule_submit")
          : t(lang, "space.create_submit")}
      </button>
    </form>
  );
}

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
