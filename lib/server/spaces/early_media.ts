// The Space page's first move, before its stylesheet and scripts load: an inline script, first in
// the head (an inline script after a stylesheet waits for it), opens the
// media socket to the SFU (with `welcome=listen`, so the SFU's capabilities, a receive transport
// and the consumers of the Space's audio come with it) and keeps what arrives. The page's media code takes that socket when it starts
// (SfuSignalling.open in lib/browser/media/signalling.ts) instead of opening one then: the
// socket's TCP and HTTP round trips overlap the download of the scripts. A page reached by partial
// navigation runs no inline script and opens its socket the usual way.

import { sfuSocketUrl } from "../../protocol/sfu.ts";

/** The inline script, for the page's SFU URL and token; safe inside <script> (no `<`). */
export function earlyMediaScript(sfuUrl: string, sfuToken: string): string {
  const url = sfuSocketUrl(sfuUrl, sfuToken, "listen");
  const literal = JSON.stringify(url).replace(/</g, "\\u003c");
  return `(function(){try{var u=${literal},b=[],w=new WebSocket(u);` +
    `w.onmessage=function(e){b.push(String(e.data))};` +
    `window.__spazioEarlySfu={url:u,ws:w,buffered:b};performance.mark("spazio:early-sfu")}catch(e){}})();`;
}
