import assert from "node:assert/strict";
import { forwardedClient, trustedHops } from "./client_ip.ts";

Deno.test("a forged first X-Forwarded-For entry is not the client's address", () => {
  // The client sent "6.6.6.6"; the operator's one proxy appended the address it saw.
  assert.equal(forwardedClient("6.6.6.6, 203.0.113.7", 1), "203.0.113.7");
  assert.equal(forwardedClient("203.0.113.7", 1), "203.0.113.7");
  // Two proxies (a CDN, then Caddy): the CDN's view of the client is second from the right.
  assert.equal(forwardedClient("6.6.6.6, 203.0.113.7, 198.51.100.2", 2), "203.0.113.7");
  assert.equal(forwardedClient("203.0.113.7", 2), undefined);
  assert.equal(forwardedClient(null, 1), undefined);
  assert.equal(forwardedClient("1.2.3.4", 0), undefined);
});

Deno.test("SPAZIO_TRUST_PROXY is a count of proxies", () => {
  assert.equal(trustedHops(undefined), 0);
  assert.equal(trustedHops(""), 0);
  assert.equal(trustedHops("1"), 1);
  assert.equal(trustedHops("true"), 1);
  assert.equal(trustedHops("2"), 2);
  assert.throws(() => trustedHops("lots"), /SPAZIO_TRUST_PROXY must be the number of proxies/);
});
