// An attacker's page against a person's browser during and after a sign-in: another client's
// authorization riding the person's fresh sign-in, and a sign-in's result used at another one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { newSandbox, type Sandbox } from "../http/helpers.js";
import { REDIRECT_URI, oauthEnv } from "./helpers.js";
import { registerClient } from "./helpers.js";
import { Browser } from "./attack-browser.js";

const ATTACKER_REDIRECT = "http://127.0.0.1:9/attacker";

let sandbox: Sandbox;
let http: InProcessHttpServer;
let origin: string;
let resource: string;
beforeAll(async () => {
  sandbox = await newSandbox();
  http = await startHttpInProcess(
    ["--api-url", sandbox.url, "--auth", "oauth", "--rate-limit", "500"],
    oauthEnv(sandbox.url),
  );
  origin = new URL(http.url).origin;
  resource = `${origin}/mcp`;
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

const register = (name: string, redirect: string) => registerClient(origin, name, redirect);

function authorizeUrl(clientId: string, redirect: string, verifier: string, extra: Record<string, string> = {}): URL {
  const url = new URL(`${origin}/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirect,
    scope: "mcp",
    state: "s",
    resource,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...extra,
  }).toString();
  return url;
}

const at = (prefix: string) => (url: URL) => url.href.startsWith(prefix);

describe("a person's fresh sign-in", () => {
  it("does not let another client's authorization through without the person's consent", async () => {
    const victim = new Browser();
    const own = await register("Victim's client", REDIRECT_URI);
    const signedIn = await victim.walk(authorizeUrl(own, REDIRECT_URI, "v".repeat(50)), at(REDIRECT_URI));
    expect(signedIn.url.searchParams.get("code"), signedIn.url.href + JSON.stringify(signedIn.pages)).toBeTruthy();

    // Minutes later the person opens the attacker's page, which navigates the tab to /authorize
    // for the attacker's client: top-level GET, so the person's cookies go along.
    const attacker = await register("Totally harmless", ATTACKER_REDIRECT);
    const verifier = randomBytes(32).toString("base64url");
    // The person, shown who asks, cancels: no code may reach the attacker's redirect URI.
    const walked = await victim.walk(
      authorizeUrl(attacker, ATTACKER_REDIRECT, verifier),
      at(ATTACKER_REDIRECT),
      "deny",
    );
    const code = walked.url.searchParams.get("code");
    if (code) {
      const res = await fetch(`${origin}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          client_id: attacker,
          redirect_uri: ATTACKER_REDIRECT,
          code_verifier: verifier,
          resource,
        }),
      });
      const body = (await res.json()) as { access_token?: string };
      expect(body.access_token, "the attacker holds a token for the person's RevCent account").toBeUndefined();
    }
    expect(
      walked.pages.some((p) => p.startsWith("/interaction/")),
      "our page was shown",
    ).toBe(true);
    expect(walked.url.searchParams.get("error")).toBe("access_denied");
  });

  it("prompt=none for another client gets no code either", async () => {
    const victim = new Browser();
    const own = await register("Victim's client", REDIRECT_URI);
    await victim.walk(authorizeUrl(own, REDIRECT_URI, "v".repeat(50)), at(REDIRECT_URI));
    const attacker = await register("Totally harmless", ATTACKER_REDIRECT);
    const walked = await victim.walk(
      authorizeUrl(attacker, ATTACKER_REDIRECT, "w".repeat(50), { prompt: "none" }),
      at(ATTACKER_REDIRECT),
    );
    expect(walked.url.searchParams.get("code")).toBeNull();
  });
});

describe("a sign-in's result", () => {
  it("finishes only the interaction it was made for", async () => {
    // The attacker signs in with their own RevCent account and stops before finishing: the
    // callback's redirect carries the one-time result.
    const attacker = new Browser();
    const attackerClient = await register("Attacker's", ATTACKER_REDIRECT);
    const stopped = await attacker.walk(authorizeUrl(attackerClient, ATTACKER_REDIRECT, "a".repeat(50)), (url) =>
      url.pathname.endsWith("/finish"),
    );
    const result = stopped.url.searchParams.get("result");
    expect(result).toBeTruthy();

    // A second interaction (in a browser that holds its cookie) finished with that result: it must
    // not become a grant of the first sign-in's RevCent account.
    const other = new Browser();
    const client = await register("Victim's client", REDIRECT_URI);
    const atOurPage = await other.walk(authorizeUrl(client, REDIRECT_URI, "b".repeat(50)), (url) =>
      url.pathname.startsWith("/interaction/"),
    );
    const uid = atOurPage.url.pathname.split("/")[2]!;
    const finished = await other.walk(new URL(`/interaction/${uid}/finish?result=${result}`, origin), at(REDIRECT_URI));
    expect(finished.url.searchParams.get("code")).toBeNull();
  });
});
