// A generated avatar: initials on a colour derived from the account id. Pass either the user id or
// the room identity ("u:" + id): lib/protocol/text.ts avatarColour gives one person one colour for both.
import { avatarColour, initials } from "../lib/protocol/text.ts";

export function Avatar({ id, name, size = 48 }: { id: string; name: string; size?: number }) {
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{ background: avatarColour(id), width: `${size}px`, height: `${size}px`, fontSize: `${size * 0.4}px` }}
    >
      {initials(name)}
    </span>
  );
}

export function VerifiedBadge({ label }: { label: string }) {
  return <span class="verified" role="img" aria-label={label} title={label}>✓</span>;
}
