// A token bucket per socket: a browser sends a burst while joining (capabilities, transports,
// produce, consumerReady for every speaker), then very little; a flood is refused, not queued.
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(readonly capacity: number, readonly refillPerSecond: number, now = Date.now()) {
    this.#tokens = capacity;
    this.#last = now;
  }

  take(now = Date.now()): boolean {
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) / 1000) * this.refillPerSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
