// The sandbox's consent page in a real Chromium: the page renders under its own CSP (no violation
// reported), the approve button posts the form, and the browser follows the redirect to a loopback
// redirect URI served here, which records the code; the code then buys a working access token.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { launchChromium } from "../helpers/browser.js";
import { start } from "./helpers.js";

let sb: Sandbox;
let browser: Browser;
let callbackServer: Server;
let redirectUri: string;
/** Each request the redirect URI received (the browser's favicon request aside), in order. */
const callbacks: URL[] = [];
let onCallback: ((url: URL) => void) | undefined;

beforeAll(async () => {
  [sb, browser] = await Promise.all([start(), launchChromium()]);
  callbackServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", redirectUri);
    if (url.pathname !== "/callback") {
      res.writeHead(404).end(); // the browser's own requests, e.g. /favicon.ico
      return;
    }
    callbacks.push(url);
    onCallback?.(url);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>Signed in</title><p>You can close this window.</p>");
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
});

afterAll(async () => {
  await browser?.close();
  callbackServer?.closeAllConnections();
  await new Promise((resolve) => callbackServer?.close(resolve));
  await sb?.close();
});

it("approving in Chromium lands on the loopback redirect URI with a code that buys a bearer", async () => {
  const page = await browser.newPage();
  // What the console says of CSP (a refused style or form target); the favicon 404s are not ours.
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(err.message));

  const authorize = new URL(sb.oauth.authorizationEndpoint);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: "sandbox-client",
    redirect_uri: redirectUri,
    state: "browser-state",
  }).toString();
  const consent = await page.goto(authorize.href);
  expect(consent?.status()).toBe(200);
  expect(await page.title()).toBe("Authorize sandbox-client");
  // The inline style is allowed by its hash: the page is laid out as written.
  expect(await page.locator("body").evaluate((b) => getComputedStyle(b).maxWidth)).toBe("512px");

  const arrived = new Promise<URL>((resolve) => {
    onCallback = resolve;
  });
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(redirectUri)),
    page.getByRole("button", { name: "Approve" }).click(),
  ]);
  const callback = await arrived;
  expect(callbacks).toHaveLength(1);
  expect(callback.pathname).toBe("/callback");
  expect(callback.searchParams.get("state")).toBe("browser-state");
  const code = callback.searchParams.get("code");
  expect(code).toBeTruthy();
  expect(await page.textContent("p")).toBe("You can close this window.");
  expect(problems).toEqual([]);

  const tokenRes = await request(sb.oauth.tokenEndpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from("sandbox-client:sandbox-client-secret").toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code: code!, redirect_uri: redirectUri }).toString(),
  });
  const tokens = (await tokenRes.body.json()) as { access_token: string };
  expect(tokenRes.statusCode).toBe(200);
  const customer = await request(`${sb.url}/customers/${SEED_IDS.customer}`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  expect(customer.statusCode).toBe(200);
  await customer.body.dump();
  await page.close();
});
