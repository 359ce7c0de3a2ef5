// RevCent V2 API emulator on loopback, driven entirely by the OpenAPI document it is given, with
// the legacy V1 endpoint of the V1 catalog beside it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { BASE_PATH, createApp } from "./app.js";
import { SandboxClock } from "./clock.js";
import { FaultInjector } from "./faults.js";
import {
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_OAUTH_CLIENT,
  OAuthServer,
  type OAuthClientConfig,
  type SandboxOAuth,
} from "./oauth.js";
import { compileApi } from "./operations.js";
import { seedStore } from "./seed.js";
import { submitSecureForm } from "./secure-forms.js";
import { Store, type Item } from "./store.js";
import { bundledV1Operations } from "../operations/v1-catalog.js";
import type { Operation } from "../operations/operation.js";
import { seedV1 } from "./v1-seed.js";

export interface SandboxOptions {
  spec: unknown; // parsed OpenAPI document
  v1Operations?: readonly Operation[]; // the V1 catalog answered at /v1; default: the bundled one
  port?: number; // default 0 = any free port
  host?: string; // default "127.0.0.1"
  apiKey?: string; // default "sandbox-key"
  otherApiKeys?: readonly string[]; // more keys it accepts, e.g. for tests of several callers (same data)
  now?: () => number; // clock in ms, default Date.now (tests may control it)
  /**
   * OAuth clients it knows; default one, id "sandbox-client", secret "sandbox-client-secret", any
   * redirect URI. A client without redirectUris may use any http(s) loopback or https URI.
   */
  oauthClients?: readonly OAuthClientConfig[];
  oauthAccessTokenTtlSeconds?: number; // default 3600; sandbox.oauth.setAccessTokenTtl changes it later
}

export interface Sandbox {
  url: string; // e.g. "http://127.0.0.1:43121/v2"; the V1 endpoint is its sibling /v1
  /** Fault rules for tests; only the process that started the sandbox can reach them. */
  faults: FaultInjector;
  /** The sandbox's clock; tests move it with advance(). */
  clock: SandboxClock;
  /** RevCent's OAuth 2.0 for apps at /oauth/authorize and /oauth/token: endpoints, TTL, revocation, counts. */
  oauth: SandboxOAuth;
  /** Fills a secure form as its user would at its form_url (the sandbox serves no form page). */
  submitSecureForm(formUrl: string, values: Record<string, unknown>, nowSeconds?: number): Item;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const api = compileApi(options.spec);
  const clock = new SandboxClock(options.now);
  const faults = new FaultInjector();
  const store = new Store();
  seedStore(store, api, clock.now());
  seedV1(store, clock.now());
  const host = options.host ?? "127.0.0.1";
  let origin = "";
  const oauth = new OAuthServer({
    clients: options.oauthClients ?? [DEFAULT_OAUTH_CLIENT],
    clock: () => clock.now(),
    accessTokenTtlSeconds: options.oauthAccessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    origin: () => origin,
  });
  const server = createServer(
    createApp({
      api,
      v1Operations: options.v1Operations ?? bundledV1Operations(),
      store,
      apiKeys: new Set([options.apiKey ?? "sandbox-key", ...(options.otherApiKeys ?? [])]),
      clock: () => clock.now(),
      faults,
      origin: () => origin,
      oauth,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  return {
    url: `http://${urlHost}:${port}${BASE_PATH}`,
    faults,
    clock,
    oauth,
    submitSecureForm: (formUrl, values, nowSeconds) => submitSecureForm(store, formUrl, values, nowSeconds),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
