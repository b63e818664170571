// Call notifications in Chromium, as far as an offline Chromium allows: the settings page asks
// permission and subscribes (Chromium's own push service is unreachable here, so the page's
// PushManager hands out a subscription of the local test push service), the server stores it and
// pushes a real encrypted message on an incoming call; then the service worker, given that same
// payload through DevTools, shows the notification with its Accept and Open actions; its Accept
// opens the full-screen call screen, which answers (and the ringing overlay stays away from it).
import assert from "node:assert/strict";
import { PushStore } from "../lib/server/push/subscriptions.ts";
import { islandsReady, launchBrowser, newPerson, screenshots, signUp } from "./support/browser.ts";
import { account, befriend } from "./support/calls.ts";
import { PartyDev, waitFor } from "./support/party.ts";
import { PushService } from "./support/push.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "turning on call notifications in settings; an incoming call shows a notification with actions",
  opts,
  async () => {
    Deno.env.set("SPAZIO_PUSH_ALLOW_HTTP", "1");
    const web = await startWeb();
    const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
    web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
    const pushService = await PushService.start();
    const browser = await launchBrowser();
    try {
      const { context, page } = await newPerson(browser, { width: 360 });
      await context.grantPermissions(["notifications"], { origin: web.url });
      const fake = pushService.subscription();
      await context.addInitScript((sub) => {
        // Chromium offline cannot reach its push service: stand in for it with the test's one.
        const make = () => ({
          ...sub,
          options: {},
          toJSON: () => sub,
          unsubscribe: () => (localStorage.removeItem("fake-push"), Promise.resolve(true)),
        });
        PushManager.prototype.subscribe = function () {
          localStorage.setItem("fake-push", "1");
          return Promise.resolve(make() as unknown as PushSubscription);
        };
        PushManager.prototype.getSubscription = function () {
          return Promise.resolve((localStorage.getItem("fake-push") ? make() : null) as unknown as PushSubscription);
        };
      }, fake);
      await signUp(page, web.url, "bob", "Bob Example");
      const bob = (await web.deps.users.byHandle("bob"))!;

      await page.goto(`${web.url}/settings`);
      await islandsReady(page);
      await page.getByText("Call notifications are off for this device.").waitFor();
      await page.getByRole("button", { name: "Turn on call notifications" }).click();
      await page.getByText("Call notifications are on for this device.").waitFor();
      await screenshots(page, "settings-calls");
      assert.deepEqual((await new PushStore(web.deps.kv).list(bob.id)).map((s) => s.endpoint), [fake.endpoint]);

      // Ann calls: the server pushes, encrypted for Bob's browser, to the push service.
      const ann = await account(web, "ann");
      await befriend(web, ann, { user: bob, cookie: `spazio_session=${await web.deps.sessions.create(bob.id)}` });
      const res = await fetch(`${web.url}/api/calls`, {
        method: "POST",
        headers: {
          cookie: ann.cookie,
          origin: web.url,
          "sec-fetch-site": "same-origin",
          "content-type": "application/json",
        },
        body: JSON.stringify({ to: "bob", video: false }),
      });
      const { callId } = await res.json();
      const pushed = await pushService.waitFor((p) => p.payload.callId === callId);

      // What the push service would hand Chromium, delivered to Bob's service worker.
      const cdp = await context.newCDPSession(page);
      const registrations: { registrationId: string; scopeURL: string }[] = [];
      cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
      await cdp.send("ServiceWorker.enable");
      const reg = await waitFor(
        "the service worker registration",
        () => registrations.find((r) => r.scopeURL.startsWith(web.url)),
      );
      await cdp.send("ServiceWorker.deliverPushMessage", {
        origin: web.url,
        registrationId: reg.registrationId,
        data: JSON.stringify(pushed.payload),
      });
      const shown = await waitFor("a notification", async () => {
        const list = await page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
            title: n.title,
            body: n.body,
            tag: n.tag,
            actions: (n as unknown as { actions: { action: string; title: string }[] }).actions.map((a) =>
              `${a.action}:${a.title}`
            ),
            data: n.data,
          }))
        );
        return list.length ? list : undefined;
      });
      assert.equal(shown[0].title, "Ann is calling");
      assert.equal(shown[0].body, "Audio call on Spazio");
      assert.equal(shown[0].tag, `call-${callId}`);
      assert.deepEqual(shown[0].actions, ["accept:Accept", "open:Open"]);
      assert.equal(shown[0].data.actions.accept, `/calls/${callId}?answer=1`);

      // The notification's Accept: the call screen answers at once; no overlay rings over it.
      await page.goto(`${web.url}${shown[0].data.actions.accept}`);
      await islandsReady(page);
      await page.getByRole("status").getByText("Connected").waitFor();
      await page.getByRole("heading", { level: 1, name: "Ann" }).waitFor();
      assert.equal(await page.getByRole("dialog", { name: /is calling you/ }).count(), 0);
      await page.getByRole("button", { name: "End call" }).click();
      await page.getByText(/^Call ended/).waitFor();
      await page.goto(`${web.url}/settings`);
      await islandsReady(page);

      await page.getByRole("button", { name: "Turn off call notifications" }).click();
      await page.getByText("Call notifications are off for this device.").waitFor();
      assert.deepEqual(await new PushStore(web.deps.kv).list(bob.id), []);
    } finally {
      Deno.env.delete("SPAZIO_PUSH_ALLOW_HTTP");
      await browser.close();
      await pushService.close();
      await dev.dispose();
      await web.close();
    }
  },
);
