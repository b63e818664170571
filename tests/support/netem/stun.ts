// Which of the browser's networks a STUN check comes from. Chromium gathers ICE candidates on every
// network it sees (here the machine's Ethernet and, with --allow-loopback-in-peer-connection,
// loopback), and prefers a pair on a cheaper network before a better protocol: its Ethernet
// network (cost 0) over loopback (an "unknown" adapter, cost 50). Its Ethernet UDP sockets send from
// an address outside 127.0.0.0/8, which the relay never answers; but its ICE-TCP sockets are not
// bound, so their connections come from 127.0.0.1 and would win over loopback UDP, leaving media
// on TCP where a real one-network phone would use UDP. Each check names its network
// (GOOG-NETWORK-INFO: network id, cost), so the relay learns which networks send from outside
// loopback and refuses their TCP connections too: the machine then behaves as if loopback were
// its only network.

const MAGIC_COOKIE = 0x2112a442;
const GOOG_NETWORK_INFO = 0xc057;

/** The network id a STUN message's GOOG-NETWORK-INFO names, or null (not STUN, or no such attribute). */
export function stunNetworkId(msg: Uint8Array): number | null {
  if (msg.byteLength < 20) return null;
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  if ((v.getUint8(0) & 0xc0) !== 0 || v.getUint32(4) !== MAGIC_COOKIE) return null;
  const end = Math.min(msg.byteLength, 20 + v.getUint16(2));
  for (let off = 20; off + 4 <= end;) {
    const type = v.getUint16(off);
    const len = v.getUint16(off + 2);
    if (type === GOOG_NETWORK_INFO && len >= 2 && off + 6 <= end) return v.getUint16(off + 4);
    off += 4 + Math.ceil(len / 4) * 4;
  }
  return null;
}

/** The same, for the first message of an ICE-TCP stream (RFC 4571: a 2-byte length first). */
export function framedStunNetworkId(chunk: Uint8Array): number | null {
  return chunk.byteLength >= 22 ? stunNetworkId(chunk.subarray(2)) : null;
}
