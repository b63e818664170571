// Brings `../shared/DESIGN.md` (the architecture page kept beside the checkout, which is put back
// to its original text between sessions) in line with the code: each edit below is a change of
// design a session made and said in its note. Idempotent: an edit already there is skipped.
//   deno run -A scripts/design_edits.ts [path/to/DESIGN.md]
const path = Deno.args[0] ?? new URL("../../shared/DESIGN.md", import.meta.url).pathname;

/** [text to find, text that replaces it, a mark that says the edit is in]. */
const EDITS: [string, string, string][] = [
  [
    "the SFU closes or pauses producers at once.",
    "the SFU closes or holds (pauses) producers at once.",
    "holds (pauses)",
  ],
  [
    "- 1:1 calls use the same SFU with a two-peer router: neither side learns the other's IP address.",
    `- 1:1 calls use the same SFU with a two-peer router: neither side learns the other's IP address.
- A ringing call is connected before it is answered: both pages (every ringing page of the callee)
  make their transports and send (the callee silence, no microphone asked), and the SFU holds every
  producer paused until the call room says answered. Accept only swaps the microphone in.
- Calls are end-to-end encrypted: every frame is encrypted on the sender and decrypted on the
  receiver (AES-GCM through \`RTCRtpScriptTransform\` or Chromium's encoded streams, the codec's
  header bytes left clear for the SFU), with keys from an ECDH exchange between the two devices
  relayed by the call room. The SFU carries what it cannot read; Spaces are not encrypted.
- Lost Opus packets are asked for again (NACK on every producer and consumer; mediasoup-client
  strips it unless asked) and a listener's jitter buffer gives them time on a lossy path. Each page
  watches its media path (stats every 500 ms): a failed or silent path says "Reconnecting…" within
  2 s, restarts ICE, and builds new transports (TCP first when UDP failed) with backoff; the room
  hears of it and the host sees how many are reconnecting.
- A Space join saves round trips: the page carries the room and SFU tokens; it opens the SFU socket
  (\`welcome=listen\`) before its scripts load, and the SFU sends the router's capabilities, a
  receive transport and a consumer for every audio producer unasked. A call's socket
  (\`welcome=talk\`) brings a send transport too. The Device's two throwaway offers start at once
  as the media code loads. Its islands' files load after the media code (listed in a JSON block the
  page's loader imports once that code is in), so that on a slow link the audio's code comes first;
  that page carries its stylesheet inline (nonce'd) after naming the media files, and paints once
  its HTML is in.
- A page's media session publishes one track at a time; a connection, publish or consume that a
  teardown (close, rebuild, replacement by the person's other tab) overtook stops at its next step
  and changes nothing, and a consumer whose producer closed meanwhile is dropped.
- Live captions run on the origin SFU: each microphone on air is tapped as the recorder taps it,
  decoded to PCM and fed to a recogniser process while the speaker is heard; lines go to the Space
  room (signed), which sends those of people on stage to everyone.`,
    "A ringing call is connected before",
  ],
  [
    "lib/           domain and shared code: protocol schemas, auth, kv stores, i18n, media client",
    `lib/           by where code runs: browser/ (media and room clients), server/ (KV stores, auth,
               services), shared/ (pure rules both use), protocol/ (schemas, every runtime),
               i18n/ (catalogues); party/ and sfu/ import only protocol/ and i18n/`,
    "lib/           by where code runs",
  ],
];

let text = await Deno.readTextFile(path);
for (const [find, replace, mark] of EDITS) {
  if (text.includes(mark)) continue;
  if (!text.includes(find)) throw new Error(`${path}: the text to edit is not there: ${find.slice(0, 60)}…`);
  text = text.replace(find, replace);
  console.log(`edited: ${mark}`);
}
await Deno.writeTextFile(path, text);
