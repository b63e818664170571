import { useSignal } from "@preact/signals";
import { api } from "../lib/api_client.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";

interface Props {
  lang: Lang;
  handle: string;
  name: string;
  followers: number;
  /** How many people this person follows. */
  followingCount: number;
  /** Whether the viewer follows this person. */
  following: boolean;
  contact: boolean;
  blocked: boolean;
}

/** Counts and the viewer's relationship controls on someone else's profile. */
export default function ProfileActions(props: Props) {
  const { lang, handle } = props;
  const followers = useSignal(props.followers);
  const following = useSignal(props.following);
  const contact = useSignal(props.contact);
  const blocked = useSignal(props.blocked);
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);

  async function act(method: "PUT" | "DELETE", path: string, apply: (d: Record<string, unknown>) => void) {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const r = await api<Record<string, unknown>>(method, path);
    busy.value = false;
    if (!r.ok) return void (error.value = r.code);
    apply(r.data);
    if (typeof r.data.followers === "number") followers.value = r.data.followers;
  }

  const u = encodeURIComponent(handle);
  return (
    <div class="stack">
      <p class="stats">
        <span><strong data-testid="followers">{followers.value}</strong> {t(lang, "profile.followers")}</span>
        <span><strong>{props.followingCount}</strong> {t(lang, "profile.following")}</span>
      </p>
      {blocked.value && <p class="notice" role="status">{t(lang, "profile.blocked", { handle })}</p>}
      <div class="actions">
        {!blocked.value && (
          <button
            type="button"
            class={following.value ? "button secondary" : "button"}
            disabled={busy.value}
            onClick={() =>
              act(following.value ? "DELETE" : "PUT", `/api/users/${u}/follow`, (d) => (following.value = !!d.following))}
          >
            {following.value ? t(lang, "profile.unfollow") : t(lang, "profile.follow")}
          </button>
        )}
        {!blocked.value && <a class="button secondary" href={`/messages/${u}`}>{t(lang, "dm.message")}</a>}
        <button
          type="button"
          class="button secondary"
          disabled={busy.value}
          onClick={() => act(contact.value ? "DELETE" : "PUT", `/api/contacts/${u}`, (d) => (contact.value = !!d.contact))}
        >
          {contact.value ? t(lang, "profile.remove_contact") : t(lang, "profile.add_contact")}
        </button>
        <button
          type="button"
          class="button danger"
          disabled={busy.value}
          onClick={() =>
            act(blocked.value ? "DELETE" : "PUT", `/api/users/${u}/block`, (d) => {
              blocked.value = !!d.blocked;
              if (d.blocked) following.value = false;
            })}
        >
          {blocked.value ? t(lang, "profile.unblock") : t(lang, "profile.block")}
        </button>
      </div>
      <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
    </div>
  );
}
