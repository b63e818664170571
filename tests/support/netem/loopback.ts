// The emulator talks to this machine only: every address it binds, connects or sends to passes
// through assertLoopback, which accepts IPv4 127.0.0.0/8 alone (not ::1, not a host name, not
// 198.18.0.0/15), so that no profile or bug can put a packet on a real network.

export class NotLoopbackError extends Error {
  constructor(readonly address: string) {
    super(`the network emulator only uses 127.0.0.0/8, not "${address}"`);
    this.name = "NotLoopbackError";
  }
}

/** Whether `address` is a dotted IPv4 address in 127.0.0.0/8. */
export function isLoopback(address: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export function assertLoopback(address: string): string {
  if (!isLoopback(address)) throw new NotLoopbackError(address);
  return address;
}
