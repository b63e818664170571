// The Hono environment shared by every route: the stores, the signed-in user and the language.
import type { Config } from "../config.ts";
import type { Lang } from "../../i18n/mod.ts";
import type { SessionStore } from "../kv/sessions.ts";
import type { SocialStore } from "../kv/social.ts";
import type { User, UserStore } from "../kv/users.ts";
import type { RecordingService } from "../recordings/service.ts";

export interface Deps {
  config: Config;
  kv: Deno.Kv;
  users: UserStore;
  social: SocialStore;
  sessions: SessionStore;
  /** Recordings, replays and clips; lib/server/recordings/deps.ts makes the default one. */
  recordings?: RecordingService;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    user: User | null;
    sessionToken: string | undefined;
    lang: Lang;
    /** The origin the browser sees: SPAZIO_PUBLIC_URL or the request's own. */
    origin: string;
    /** Unread DM entries of the signed-in person, read for pages (the Messages tab's badge). */
    unread: number;
    /** This answer's Content-Security-Policy nonce (hono/secure-headers), for its inline scripts. */
    secureHeadersNonce?: string;
  };
};
