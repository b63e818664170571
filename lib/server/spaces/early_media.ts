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
import type { Lang } from "../../i18n/mod.ts";
import { islandLazyModules } from "../islands.ts";
import { jsonInScript } from "../http/json_in_script.ts";

/** The page's early media module (lib/browser/space/early_start.ts) in the build of `lang`, if built. */
export function earlyMediaModule(lang: Lang): string | undefined {
  return islandLazyModules(["SpaceScreen"], lang).find((url) => /\/early_start-[\w-]+\.js$/.test(url));
}

/**
 * The inline script, for the page's Space, SFU URL, token and relays; safe inside <script> (no
 * `<`). Besides the socket it leaves what the media code needs to start its session with it before
 * the page hydrates (lib/browser/space/early_audio.ts), and it imports that code itself
 * (`mediaModule`: lib/browser/space/early_start.ts in the page's build), so that it is asked for
 * with the page's first requests and runs as soon as it is in, not after the page's main bundle.
 * The islands' scripts wait for it (`__spazioAfterMedia`, the Layout's loader): on a 1 Mbit/s
 * link the two shared the link and the media code came last, 1-2 s later than alone.
 */
export function earlyMediaScript(
  spaceId: string,
  sfuUrl: string,
  sfuToken: string,
  ice?: IceConfig,
  mediaModule?: string,
): string {
  const url = sfuSocketUrl(sfuUrl, sfuToken, "listen");
  return `(function(){try{var u=${jsonInScript(url)},b=[],w=new WebSocket(u);` +
    `w.onmessage=function(e){b.push(String(e.data))};` +
    `window.__spazioEarlySfu={url:u,ws:w,buffered:b,space:${jsonInScript(spaceId)},sfu:${jsonInScript(sfuUrl)},` +
    `token:${jsonInScript(sfuToken)},ice:${jsonInScript(ice)}};performance.mark("spazio:early-sfu")` +
    (mediaModule ? `;window.__spazioAfterMedia=import(${jsonInScript(mediaModule)}).catch(function(){})` : "") +
    `}catch(e){}})();`;
}
