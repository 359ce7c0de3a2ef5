// Sign-ins in progress cost nothing to start (an address's rate is the only bound): each approve
// on our page leaves a pending record. Without Redis, those records must not push out the RevCent
// tokens of people already signed in.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { createSignIn } from "../../src/oauth/sign-in.js";
import type { VaultStore } from "../../src/oauth/token-vault.js";

describe("a flood of sign-ins started and never finished", () => {
  it("leaves the vault's grants in place", async () => {
    const signIn = createSignIn({
      revcent: {
        clientId: "c",
        clientSecret: "s",
        authorizeUrl: "http://127.0.0.1:9/oauth/authorize",
        tokenUrl: "http://127.0.0.1:9/oauth/token",
      },
      tokenKey: "a-test-token-key-of-at-least-32-characters",
      publicUrl: undefined,
      redis: undefined,
      logger: createLogger("silent"),
    });
    await signIn.vault.save("rg_signed_in", {
      accessToken: "at",
      refreshToken: "rt",
      expiresAt: Date.now() + 3600_000,
    });
    const server = signIn.authorizationServer(new URL("http://127.0.0.1:1"));
    // What each approve on our page stores (the pending store is the server's own).
    const pending = (server as unknown as { options: { pending: VaultStore } }).options.pending;
    for (let i = 0; i < 10_001; i++) await pending.set(`signin:${i}`, "{}", 600);
    expect(await signIn.vault.holds("rg_signed_in")).toBe(true);
  });
});
