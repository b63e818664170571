// Accounts: users, the handle index, the people-search index and passkeys, kept consistent by atomic writes.
import { z } from "zod";
import { fold, HANDLE_RE, hasVisibleText, searchTerms } from "../../protocol/text.ts";
import { randomId } from "../../protocol/token.ts";
import { retryAtomic } from "./db.ts";

/** A name others can see: zero-width spaces or Hangul fillers alone are as good as none. */
export const DisplayName = z.string().trim().min(1, "name_required").max(50, "name_too_long")
  .refine(hasVisibleText, "name_required");
export const Bio = z.string().trim().max(160, "bio_too_long");
export const Handle = z.string().regex(HANDLE_RE, "handle_invalid");

export const User = z.object({
  id: z.string(),
  handle: Handle,
  displayName: DisplayName,
  bio: Bio,
  verified: z.boolean(),
  createdAt: z.number(),
});
export type User = z.infer<typeof User>;

export const Passkey = z.object({
  id: z.string(), // credential id, base64url
  userId: z.string(),
  publicKey: z.instanceof(Uint8Array),
  counter: z.number().int().nonnegative(),
  transports: z.array(z.string()).default([]),
  createdAt: z.number(),
  label: z.string().max(60),
});
export type Passkey = z.infer<typeof Passkey>;

export class HandleTakenError extends Error {
  readonly code = "handle_taken";
  constructor() {
    super("this handle is taken");
  }
}

export class UserStore {
  constructor(private readonly kv: Deno.Kv) {}

  async get(id: string): Promise<User | null> {
    return (await this.kv.get<User>(["users", id])).value;
  }

  async getMany(ids: string[]): Promise<User[]> {
    const out: User[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const rows = await this.kv.getMany<User[]>(ids.slice(i, i + 10).map((id) => ["users", id]));
      for (const r of rows) if (r.value) out.push(r.value);
    }
    return out;
  }

  async byHandle(handle: string): Promise<User | null> {
    const id = (await this.kv.get<string>(["users_by_handle", handle.toLowerCase()])).value;
    return id ? await this.get(id) : null;
  }

  /** Creates the account and its first passkey in one atomic write; a taken handle changes nothing. */
  async create(
    input: { id?: string; handle: string; displayName: string },
    passkey: Omit<Passkey, "userId">,
  ): Promise<User> {
    const user = User.parse({
      id: input.id ?? randomId(9),
      handle: input.handle,
      displayName: input.displayName,
      bio: "",
      verified: false,
      createdAt: Date.now(),
    });
    const pk = Passkey.parse({ ...passkey, userId: user.id });
    const op = this.kv.atomic()
      .check({ key: ["users_by_handle", user.handle], versionstamp: null })
      .check({ key: ["passkeys", pk.id], versionstamp: null })
      .set(["users", user.id], user)
      .set(["users_by_handle", user.handle], user.id)
      .set(["passkeys", pk.id], pk)
      .set(["passkeys_by_user", user.id, pk.id], true);
    for (const term of searchTerms(user.handle, user.displayName)) op.set(["people_search", term, user.id], 1);
    const res = await op.commit();
    if (!res.ok) throw new HandleTakenError();
    return user;
  }

  /** Edits name and bio; the search index follows in the same atomic write. */
  async update(id: string, patch: { displayName?: string; bio?: string; verified?: boolean }): Promise<User> {
    return await retryAtomic(async () => {
      const cur = await this.kv.get<User>(["users", id]);
      if (!cur.value) throw new Error("no such user");
      const next = User.parse({ ...cur.value, ...patch });
      const op = this.kv.atomic().check(cur).set(["users", id], next);
      for (const t of searchTerms(cur.value.handle, cur.value.displayName)) op.delete(["people_search", t, id]);
      for (const t of searchTerms(next.handle, next.displayName)) op.set(["people_search", t, id], 1);
      return (await op.commit()).ok ? next : null;
    });
  }

  /** Prefix search over handles and display-name words, accent- and case-insensitive. */
  async search(query: string, limit = 20): Promise<User[]> {
    const q = fold(query).replace(/^@/, "");
    if (!q) return [];
    const ids: string[] = [];
    const iter = this.kv.list<number>({ start: ["people_search", q], end: ["people_search", q + "\u{10ffff}"] }, {
      limit: limit * 4,
    });
    for await (const row of iter) {
      const id = row.key[2] as string;
      if (!ids.includes(id)) ids.push(id);
      if (ids.length >= limit) break;
    }
    return await this.getMany(ids);
  }

  async passkey(credentialId: string): Promise<Passkey | null> {
    return (await this.kv.get<Passkey>(["passkeys", credentialId])).value;
  }

  async passkeysOf(userId: string): Promise<Passkey[]> {
    const out: Passkey[] = [];
    for await (const row of this.kv.list({ prefix: ["passkeys_by_user", userId] })) {
      const pk = await this.passkey(row.key[2] as string);
      if (pk) out.push(pk);
    }
    return out;
  }

  async addPasskey(userId: string, passkey: Omit<Passkey, "userId">): Promise<void> {
    const pk = Passkey.parse({ ...passkey, userId });
    const res = await this.kv.atomic()
      .check({ key: ["passkeys", pk.id], versionstamp: null })
      .set(["passkeys", pk.id], pk)
      .set(["passkeys_by_user", userId, pk.id], true)
      .commit();
    if (!res.ok) throw new Error("this passkey is already registered");
  }

  /** Moves the signature counter forward; a counter that goes back is refused by the verifier first. */
  async touchPasskey(credentialId: string, counter: number): Promise<void> {
    const cur = await this.kv.get<Passkey>(["passkeys", credentialId]);
    if (cur.value) await this.kv.atomic().check(cur).set(cur.key, { ...cur.value, counter }).commit();
  }
}
