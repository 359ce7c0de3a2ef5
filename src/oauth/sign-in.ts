// Everything OAuth sign-in needs, built once per process: RevCent's OAuth client, the vault of
// RevCent's tokens, the authorization server's storage (Redis when instances share it), and the
// server itself once its public address is known.
import { createHmac, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { AuthorizationServer } from "./authorization-server.js";
import { redisAdapter } from "./provider-store.js";
import { RevCentOAuth, type RevCentOAuthConfig } from "./revcent-oauth.js";
import { MemoryVaultStore, RedisVaultStore, TokenVault, vaultKeyFrom } from "./token-vault.js";

export interface SignInOptions {
  revcent: RevCentOAuthConfig;
  /** MCP_TOKEN_KEY; a random one for this process when not given (the sandbox). */
  tokenKey: string | undefined;
  /** MCP_PUBLIC_URL; the listening address when not given (loopback). */
  publicUrl: string | undefined;
  redis: Redis | undefined;
  logger: Logger;
  now?: () => number;
  accessTokenTtlSeconds?: number;
  trustProxy?: boolean;
}

export interface SignIn {
  vault: TokenVault;
  authorizationServer(listening: URL): AuthorizationServer;
}

export function createSignIn(options: SignInOptions): SignIn {
  const secret = options.tokenKey ?? randomBytes(32).toString("base64url");
  const store = options.redis ? new RedisVaultStore(options.redis) : new MemoryVaultStore(options.now);
  // Sign-ins in progress cost an attacker nothing: in memory they get a bound of their own, so a
  // flood of them pushes out other sign-ins in progress, never the grants in the vault.
  const pending = options.redis ? store : new MemoryVaultStore(options.now);
  const revcent = new RevCentOAuth(options.revcent, options.now);
  const vault = new TokenVault(store, vaultKeyFrom(secret), revcent, options.now);
  // Cookies are signed with a key of their own, derived from the same secret (so every instance has it).
  const cookieKey = createHmac("sha256", secret).update("revcent-mcp sign-in cookies").digest("base64url");
  return {
    vault,
    authorizationServer: (listening) =>
      new AuthorizationServer({
        publicUrl: new URL(options.publicUrl ?? listening.href),
        revcent,
        vault,
        pending,
        ...(options.redis ? { adapter: redisAdapter(options.redis) } : {}),
        cookieKeys: [cookieKey],
        ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
        trustProxy: options.trustProxy ?? false,
        logger: options.logger,
      }),
  };
}
