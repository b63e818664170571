import { useSignal } from "@preact/signals";
import type { z } from "zod";
import { api } from "../lib/browser/api_client.ts";
import { BlockChanged, ContactChanged, FollowChanged } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import { toast } from "../components/Toast.tsx";
import { Sheet } from "../components/Sheet.tsx";

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
  // Blocking asks first, in a sheet that names the person and says what it does.
  const confirmingBlock = useSignal(false);
  const error = useSignal<MessageKey | null>(null);

  async function act<S extends z.ZodTypeAny>(
    method: "PUT" | "DELETE",
    path: string,
    answer: S,
    apply: (d: z.output<S>) => string | void,
  ) {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const r = await api(method, path, answer);
    busy.value = false;
    if (!r.ok) return void (error.value = r.code);
    const said = apply(r.data);
    if (said) toast(said);
  }

  const u = encodeURIComponent(handle);
  const setBlocked = (block: boolean) =>
    act(block ? "PUT" : "DELETE", `/api/users/${u}/block`, BlockChanged, (d) => {
      const was = blocked.value;
      blocked.value = d.blocked;
      if (d.blocked) following.value = false;
      if (d.followers !== undefined) followers.value = d.followers;
      // Blocking is confirmed by the notice above; unblocking by a toast.
      return was && !blocked.value ? t(lang, "profile.unblocked_toast", { handle }) : undefined;
    });

  // Each button keeps its place (and so the focus) when its words change; blocking hides Follow
  // and Message, never the button that was pressed.
  return (
    <div class="profile-rel">
      <p class="stats">
        <span>
          <strong data-testid="followers">{followers.value}</strong> {t(lang, "profile.followers")}
        </span>
        <span>
          <strong>{props.followingCount}</strong> {t(lang, "profile.following")}
        </span>
      </p>
      {blocked.value && <p class="notice" role="status">{t(lang, "profile.blocked", { handle })}</p>}
      <div class="actions profile-actions">
        {!blocked.value && (
          <button
            type="button"
            class={following.value ? "button secondary grow" : "button grow"}
            aria-disabled={busy.value}
            onClick={() =>
              act(following.value ? "DELETE" : "PUT", `/api/users/${u}/follow`, FollowChanged, (d) => {
                following.value = d.following;
                followers.value = d.followers;
                return t(lang, following.value ? "profile.followed_toast" : "profile.unfollowed_toast", {
                  name: props.name,
                });
              })}
          >
            {!following.value && <Icon name="userPlus" size={20} />}
            {following.value ? t(lang, "profile.unfollow") : t(lang, "profile.follow")}
          </button>
        )}
        {!blocked.value && (
          <a class="button secondary" href={`/messages/${u}`} title={t(lang, "dm.message")}>
            <Icon name="messages" size={20} />
            <span class="wide-only">{t(lang, "dm.message")}</span>
          </a>
        )}
        <button
          type="button"
          class="button secondary icon-only"
          aria-disabled={busy.value}
          aria-label={contact.value ? t(lang, "profile.remove_contact") : t(lang, "profile.add_contact")}
          title={contact.value ? t(lang, "profile.remove_contact") : t(lang, "profile.add_contact")}
          onClick={() =>
            act(contact.value ? "DELETE" : "PUT", `/api/contacts/${u}`, ContactChanged, (d) => {
              contact.value = d.contact;
              return t(lang, contact.value ? "profile.contact_added" : "profile.contact_removed", { name: props.name });
            })}
        >
          <Icon name={contact.value ? "userCheck" : "users"} size={20} />
        </button>
        <button
          type="button"
          class={blocked.value ? "button secondary" : "button danger icon-only"}
          aria-disabled={busy.value}
          aria-haspopup={blocked.value ? undefined : "dialog"}
          aria-label={blocked.value ? undefined : t(lang, "profile.block")}
          title={blocked.value ? undefined : t(lang, "profile.block")}
          onClick={() => (blocked.value ? setBlocked(false) : (confirmingBlock.value = true))}
        >
          <Icon name="ban" size={20} />
          {blocked.value && t(lang, "profile.unblock")}
        </button>
      </div>
      <Sheet
        id="sheet-block"
        open={confirmingBlock.value}
        title={t(lang, "profile.block_confirm_title", { name: props.name })}
        closeLabel={t(lang, "space.close")}
        onClose={() => (confirmingBlock.value = false)}
      >
        <p>{t(lang, "profile.block_confirm_body", { handle })}</p>
        <div class="actions">
          <button
            type="button"
            class="button danger"
            onClick={() => {
              confirmingBlock.value = false;
              void setBlocked(true);
            }}
          >
            <Icon name="ban" size={20} />
            {t(lang, "profile.block")}
          </button>
          <button type="button" class="button secondary" onClick={() => (confirmingBlock.value = false)}>
            {t(lang, "profile.block_cancel")}
          </button>
        </div>
      </Sheet>
      <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
    </div>
  );
}
