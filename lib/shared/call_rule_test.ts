// THE RULE, in a table of every combination: callee's choice (5: nobody, contacts, people they
// follow, verified accounts, everyone) x relationship (contact, followed, verified) x DM history x
// blocks (none, callee's, caller's, both) = 320 rows. Expected answers come from a reading of the
// issue written independently of lib/shared/call_rule.ts: each choice as the set of groups it
// lets in, then the conditions in order. And the old stored shape's migration, in a table.
import assert from "node:assert/strict";
import { CALL_CHOICES, type CallFacts, type CallRefusal, mayCall, readCallSettings } from "./call_rule.ts";
import { catalogues, type MessageKey } from "../i18n/mod.ts";

const bools = [false, true];
const BLOCKS = ["none", "callee blocks caller", "caller blocks callee", "both"] as const;
/** Which groups each choice lets in (a choice includes the narrower ones). */
const LETS_IN: Record<typeof CALL_CHOICES[number], string[]> = {
  nobody: [],
  contacts: ["contacts"],
  following: ["contacts", "following"],
  verified: ["contacts", "following", "verified"],
  everyone: ["everyone"],
};

function expected(f: CallFacts, block: typeof BLOCKS[number]): CallRefusal | "ok" {
  if (block === "caller blocks callee" || block === "both") return "blocked_by_you";
  if (block === "callee blocks caller") return "blocked";
  if (f.settings.who === "nobody") return "calling_off";
  const memberOf = new Set<string>(["everyone"]);
  if (f.inContacts) memberOf.add("contacts");
  if (f.followedByCallee) memberOf.add("following");
  if (f.callerVerified) memberOf.add("verified");
  if (!LETS_IN[f.settings.who].some((g) => memberOf.has(g))) return "not_allowed";
  return f.calleeWrote ? "ok" : "no_dm";
}

let rows = 0;
for (const who of CALL_CHOICES) {
  Deno.test(`rule table: ${who} may call: 64 callers`, () => {
    for (const inContacts of bools) {
      for (const followedByCallee of bools) {
        for (const callerVerified of bools) {
          for (const calleeWrote of bools) {
            for (const block of BLOCKS) {
              const f: CallFacts = {
                settings: { who },
                inContacts,
                followedByCallee,
                callerVerified,
                calleeWrote,
                calleeBlocksCaller: block === "callee blocks caller" || block === "both",
                callerBlocksCallee: block === "caller blocks callee" || block === "both",
              };
              const got = mayCall(f);
              assert.equal(
                got.ok ? "ok" : got.reason,
                expected(f, block),
                JSON.stringify({ who, inContacts, followedByCallee, callerVerified, calleeWrote, block }),
              );
              rows++;
            }
          }
        }
      }
    }
  });
}

Deno.test("rule table: covered all 320 combinations", () => {
  assert.equal(rows, 5 * 8 * 2 * 4);
});

Deno.test("stored settings of the old shape become the narrowest choice that lets in the same people", () => {
  const old = (enabled: boolean, ...groups: string[]) => ({
    enabled,
    allow: Object.fromEntries(["contacts", "following", "verified", "everyone"].map((g) => [g, groups.includes(g)])),
  });
  const cases: [unknown, string, boolean][] = [
    [undefined, "following", false],
    [{ who: "verified" }, "verified", false],
    [old(false, "contacts", "following"), "nobody", true],
    [old(true), "nobody", true],
    [old(true, "contacts"), "contacts", true],
    [old(true, "contacts", "following"), "following", true],
    [old(true, "following"), "following", true],
    [old(true, "contacts", "verified"), "verified", true],
    [old(true, "contacts", "everyone"), "everyone", true],
    [{ who: "admins" }, "following", true],
  ];
  for (const [stored, want, migrated] of cases) {
    const got = readCallSettings(stored);
    assert.deepEqual(got, { settings: { who: want }, migrated }, JSON.stringify(stored));
  }
});

const base: CallFacts = {
  settings: { who: "following" },
  inContacts: false,
  followedByCallee: false,
  callerVerified: false,
  calleeWrote: true,
  calleeBlocksCaller: false,
  callerBlocksCallee: false,
};

Deno.test("rule: examples in words", () => {
  const cases: [string, Partial<CallFacts>, CallRefusal | "ok"][] = [
    ["a stranger who was written to, default settings", {}, "not_allowed"],
    ["a contact who was written to", { inContacts: true }, "ok"],
    [
      "someone the callee follows, never written to",
      { followedByCallee: true, calleeWrote: false },
      "no_dm",
    ],
    ["a verified stranger, callee allows verified", {
      callerVerified: true,
      settings: { who: "verified" },
    }, "ok"],
    [
      "a verified stranger, callee does not allow verified",
      { callerVerified: true },
      "not_allowed",
    ],
    ["anyone, callee allows everyone", {
      settings: { who: "everyone" },
    }, "ok"],
    [
      "a contact, calling off",
      { inContacts: true, settings: { who: "nobody" } },
      "calling_off",
    ],
    ["a contact the callee blocked", { inContacts: true, calleeBlocksCaller: true }, "blocked"],
    [
      "a contact the caller blocked",
      { inContacts: true, callerBlocksCallee: true },
      "blocked_by_you",
    ],
  ];
  for (const [what, patch, want] of cases) {
    const got = mayCall({ ...base, ...patch });
    assert.equal(got.ok ? "ok" : got.reason, want, what);
  }
});

Deno.test("rule: every refusal has plain words in English, French and Italian", () => {
  for (
    const reason of [
      "blocked_by_you",
      "blocked",
      "calling_off",
      "not_allowed",
      "no_dm",
    ] satisfies CallRefusal[]
  ) {
    const key = `call.err.${reason}` as MessageKey;
    for (const lang of ["en", "fr", "it"] as const) {
      assert.ok(catalogues[lang][key]?.length > 10, `${lang} ${key}`);
    }
  }
});
