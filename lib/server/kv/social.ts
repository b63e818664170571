// The social graph: follows (with counts), contacts and blocks. Every edge has its reverse index,
// written in the same atomic operation so lists and counts never disagree.
import { retryAtomic } from "./db.ts";

export interface Counts {
  followers: number;
  following: number;
}

export class SocialStore {
  constructor(private readonly kv: Deno.Kv) {}

  async counts(userId: string): Promise<Counts> {
    const v = (await this.kv.get<Counts>(["follow_counts", userId])).value;
    return v ?? { followers: 0, following: 0 };
  }

  async follows(a: string, b: string): Promise<boolean> {
    return (await this.kv.get(["follows", a, b])).value !== null;
  }

  /** a follows b; idempotent. Returns false when nothing changed. */
  async follow(a: string, b: string): Promise<boolean> {
    if (a === b) throw new Error("you cannot follow yourself");
    return await this.setFollow(a, b, true);
  }

  async unfollow(a: string, b: string): Promise<boolean> {
    return await this.setFollow(a, b, false);
  }

  private async setFollow(a: string, b: string, on: boolean): Promise<boolean> {
    return await retryAtomic(async () => {
      const [edge, ca, cb] = await this.kv.getMany<[number, Counts, Counts]>([
        ["follows", a, b],
        ["follow_counts", a],
        ["follow_counts", b],
      ]);
      if ((edge.value !== null) === on) return false;
      const d = on ? 1 : -1;
      const na = ca.value ?? { followers: 0, following: 0 };
      const nb = cb.value ?? { followers: 0, following: 0 };
      const op = this.kv.atomic().check(edge, ca, cb)
        .set(["follow_counts", a], { ...na, following: Math.max(0, na.following + d) })
        .set(["follow_counts", b], { ...nb, followers: Math.max(0, nb.followers + d) });
      if (on) op.set(["follows", a, b], Date.now()).set(["followers", b, a], Date.now());
      else op.delete(["follows", a, b]).delete(["followers", b, a]);
      return (await op.commit()).ok ? true : null;
    });
  }

  async followingIds(userId: string, limit = 500): Promise<string[]> {
    const out: string[] = [];
    for await (const r of this.kv.list({ prefix: ["follows", userId] }, { limit })) out.push(r.key[2] as string);
    return out;
  }

  async isContact(owner: string, other: string): Promise<boolean> {
    return (await this.kv.get(["contacts", owner, other])).value !== null;
  }

  async addContact(owner: string, other: string): Promise<void> {
    if (owner === other) throw new Error("you cannot add yourself");
    await this.kv.set(["contacts", owner, other], Date.now());
  }

  async removeContact(owner: string, other: string): Promise<void> {
    await this.kv.delete(["contacts", owner, other]);
  }

  async contactIds(owner: string, limit = 1000): Promise<string[]> {
    const out: string[] = [];
    for await (const r of this.kv.list({ prefix: ["contacts", owner] }, { limit })) out.push(r.key[2] as string);
    return out;
  }

  async blocks(a: string, b: string): Promise<boolean> {
    return (await this.kv.get(["blocks", a, b])).value !== null;
  }

  /** Either of the two blocks the other. */
  async eitherBlocks(a: string, b: string): Promise<boolean> {
    const [x, y] = await this.kv.getMany([["blocks", a, b], ["blocks", b, a]]);
    return x.value !== null || y.value !== null;
  }

  /** a blocks b: b's follow of a and a's follow of b are undone in the same step. */
  async block(a: string, b: string): Promise<void> {
    if (a === b) throw new Error("you cannot block yourself");
    await this.unfollow(a, b);
    await this.unfollow(b, a);
    await this.kv.atomic().set(["blocks", a, b], Date.now()).set(["blocked_by", b, a], Date.now()).commit();
  }

  async unblock(a: string, b: string): Promise<void> {
    await this.kv.atomic().delete(["blocks", a, b]).delete(["blocked_by", b, a]).commit();
  }

  async blockedIds(a: string, limit = 5000): Promise<string[]> {
    const out: string[] = [];
    for await (const r of this.kv.list({ prefix: ["blocks", a] }, { limit })) out.push(r.key[2] as string);
    return out;
  }
}
