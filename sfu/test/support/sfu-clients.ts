// Peers and grants as a test's web server and Space room would make them: peers join with a
// signed token, grants go to the control API with a rising seq, and the peers close together.
import { MediaPeer } from "./media-peer.ts";
import { type RunningSfu, sfuToken } from "./sfu-process.ts";

export class SfuClients {
  readonly #peers: MediaPeer[] = [];
  #seq: number;

  /** `sfu` is read at each call: test files start their SFU in `before()`. */
  constructor(readonly sfu: () => RunningSfu, opts: { firstSeq?: number } = {}) {
    this.#seq = opts.firstSeq ?? 0;
  }

  async join(room: string, sub: string): Promise<MediaPeer> {
    const peer = await MediaPeer.join(this.sfu().wsUrl(await sfuToken(room, sub)));
    this.#peers.push(peer);
    return peer;
  }

  /** A grant push; anything not named is muted false, admitted true, video false. Throws unless the SFU took it. */
  async grant(
    room: string,
    sub: string,
    g: { canSpeak: boolean; muted?: boolean; admitted?: boolean; video?: boolean },
  ): Promise<void> {
    const body = { room, sub, muted: false, admitted: true, video: false, ...g, seq: ++this.#seq };
    const res = await this.sfu().control("/control/grant", body);
    if (res.status !== 200) throw new Error(`grant refused with ${res.status}: ${JSON.stringify(res.json)}`);
  }

  close(): void {
    for (const p of this.#peers) p.close();
  }
}
