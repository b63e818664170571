// The SFU signalling socket's URL, apart from the protocol's schemas (sfu_signalling.ts, which
// re-exports it) so that code on every page (a ringing call opens its socket ahead) adds no zod.

/** What a socket asks to be sent unasked (the flow in sfu_signalling.ts). */
export type SfuWelcomeMode = "recv" | "caps" | "listen" | "talk";
export const SFU_WELCOME_MODES: readonly SfuWelcomeMode[] = ["recv", "caps", "listen", "talk"];

/** The signalling socket's URL for a token, with the `welcome` it asks for. */
export function sfuSocketUrl(url: string, token: string, welcome?: SfuWelcomeMode): string {
  return `${url}?token=${encodeURIComponent(token)}${welcome ? `&welcome=${welcome}` : ""}`;
}
