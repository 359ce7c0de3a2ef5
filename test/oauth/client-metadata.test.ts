// Client ID Metadata Documents: a client whose id is the URL of its own metadata document signs in
// without registering. The attacker's versions are refused before any redirect: a document that
// names another client id, one that carries a secret, one too large, an id on a private address.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { newSandbox, type Sandbox } from "../http/helpers.js";
import { REDIRECT_URI, oauthEnv, walkSignIn } from "./helpers.js";
import { isDocumentUrl } from "../../src/oauth/client-metadata-documents.js";

let sandbox: Sandbox;
let http: InProcessHttpServer;
let docs: Server;
let docsOrigin: string;
const documents = new Map<string, string>();

beforeAll(async () => {
  sandbox = await newSandbox();
  http = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], oauthEnv(sandbox.url));
  docs = createServer((req, res) => {
    const body = documents.get(req.url ?? "");
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => docs.listen(0, "127.0.0.1", resolve));
  docsOrigin = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
});
afterAll(async () => {
  docs.closeAllConnections();
  await new Promise((resolve) => docs.close(resolve));
  await http.close();
  await sandbox.close();
});

function publish(path: string, doc: unknown): string {
  documents.set(path, typeof doc === "string" ? doc : JSON.stringify(doc));
  return `${docsOrigin}${path}`;
}

function authorizeUrl(clientId: string, verifier: string): URL {
  const url = new URL("/authorize", http.url);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    state: "s",
    resource: new URL("/mcp", http.url).href,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  return url;
}

describe("a client id that is its metadata document's URL", () => {
  it("signs in without registering, and its token opens /mcp", async () => {
    const id = publish("/clients/good.json", {
      client_id: "",
      client_name: "Doc client",
      redirect_uris: [REDIRECT_URI],
    });
    documents.set(
      "/clients/good.json",
      JSON.stringify({ client_id: id, client_name: "Doc client", redirect_uris: [REDIRECT_URI] }),
    );
    const verifier = randomBytes(32).toString("base64url");
    const back = await walkSignIn(authorizeUrl(id, verifier), "approve");
    expect(back.searchParams.get("error"), back.href).toBeNull();
    const res = await fetch(new URL("/token", http.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: back.searchParams.get("code")!,
        client_id: id,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    });
    const tokens = (await res.json()) as { access_token?: string };
    expect(res.status, JSON.stringify(tokens)).toBe(200);
    const mcp = await fetch(http.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(mcp.status).not.toBe(401);
  });

  it("refuses, without redirecting, a document naming another id, holding a secret, or too large", async () => {
    const cases = [
      publish("/clients/other.json", { client_id: "https://elsewhere.example/c.json", redirect_uris: [REDIRECT_URI] }),
      (() => {
        const id = `${docsOrigin}/clients/secret.json`;
        return publish("/clients/secret.json", { client_id: id, client_secret: "s", redirect_uris: [REDIRECT_URI] });
      })(),
      (() => {
        const id = `${docsOrigin}/clients/huge.json`;
        return publish("/clients/huge.json", { client_id: id, redirect_uris: [REDIRECT_URI], pad: "x".repeat(10_000) });
      })(),
      `${docsOrigin}/clients/missing.json`,
    ];
    for (const id of cases) {
      const res = await fetch(authorizeUrl(id, "v".repeat(50)), { redirect: "manual" });
      expect(res.status, id).toBe(400);
      expect(res.headers.get("location"), id).toBeNull();
    }
  });

  it("only https ids count as documents (http only to loopback, on a loopback server), and never the root", () => {
    expect(isDocumentUrl("https://client.example/mcp.json", false)).toBe(true);
    expect(isDocumentUrl("https://client.example/", false)).toBe(false);
    expect(isDocumentUrl("http://client.example/c.json", true)).toBe(false);
    expect(isDocumentUrl("http://127.0.0.1:8080/c.json", false)).toBe(false);
    expect(isDocumentUrl("http://127.0.0.1:8080/c.json", true)).toBe(true);
    expect(isDocumentUrl("https://user:pw@client.example/c.json", false)).toBe(false);
    expect(isDocumentUrl("not a url", true)).toBe(false);
  });
});
