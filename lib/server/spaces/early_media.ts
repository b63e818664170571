// The Space page's first move, before its stylesheet and scripts load: an inline script, first in
// the head (an inline script after a stylesheet waits for it), opens the
// media socket to the SFU (with `welcome=listen`, so the SFU's capabilities, a receive transport
// and the consumers of the Space's audio come with it) and keeps what arrives. The page's media
// code takes that socket as soon as its first script runs, before the page hydrates
// (lib/browser/space/early_audio.ts, SfuSignalling.open in lib/browser/media/signalling.ts),
// instead of opening one then: the socket's TCP and HTTP round trips overlap the download of the
// scripts. A page reached by partial navigation runs no inline script and opens its socket the
// usual way.

import type { IceConfig } from "../../protocol/ice.ts";
import { sfuSocketUrl } from "../../protocol/sfu.ts";

/**
 * The inline script, for the page's Space, SFU URL, token and relays; safe inside <script> (no
 * `<`). Besides the socket it leaves what the media code needs to start its session with it before
 * the page hydrates (lib/browser/space/early_audio.ts).
 */
export function earlyMediaScript(spaceId: string, sfuUrl: string, sfuToken: string, ice?: IceConfig): string {
  const url = sfuSocketUrl(sfuUrl, sfuToken, "listen");
  const safe = (v: unknown) => JSON.stringify(v ?? null).replace(/</g, "\\u003c");
  return `(function(){try{var u=${safe(url)},b=[],w=new WebSocket(u);` +
    `w.onmessage=function(e){b.push(String(e.data))};` +
    `window.__spazioEarlySfu={url:u,ws:w,buffered:b,space:${safe(spaceId)},sfu:${safe(sfuUrl)},` +
    `token:${safe(sfuToken)},ice:${safe(ice)}};performance.mark("spazio:early-sfu")}catch(e){}})();`;
}
