// What search results and contact lists show of a person.
import type { User } from "./kv/users.ts";

export interface PersonCard {
  id: string;
  handle: string;
  displayName: string;
  verified: boolean;
  contact?: boolean;
}

export function card(u: User, contact?: boolean): PersonCard {
  return { id: u.id, handle: u.handle, displayName: u.displayName, verified: u.verified, contact };
}
