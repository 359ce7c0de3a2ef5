// RevCent's tokens for each grant, encrypted at rest (AES-256-GCM under MCP_TOKEN_KEY) in memory
// or in Redis, where every instance finds them; refreshed shortly before they lapse. A stolen
// Redis dump holds ciphertext; a record altered in the store fails its tag and is refused.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { RevCentGrantEnded, type RevCentOAuth, type RevCentTokens } from "./revcent-oauth.js";

/** Refresh this long before RevCent's token lapses, so no call starts with a token about to die. */
const REFRESH_MARGIN_MS = 60_000;
/** A grant unused this long is forgotten (the MCP refresh token lives as long). */
export const GRANT_TTL_SECONDS = 30 * 24 * 3600;
/** Grants one process keeps in memory without Redis; the least recently used go first. */
const MAX_MEMORY_GRANTS = 10_000;

export interface VaultStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Read and removed in one step: a second take, from any instance, finds nothing. */
  take(key: string): Promise<string | undefined>;
}

export class MemoryVaultStore implements VaultStore {
  private readonly entries = new Map<string, { value: string; until: number }>();
  constructor(private readonly now: () => number = () => Date.now()) {}
  async get(key: string) {
    const entry = this.entries.get(key);
    if (!entry || entry.until <= this.now()) return undefined;
    return entry.value;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.delete(key);
    if (this.entries.size >= MAX_MEMORY_GRANTS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + ttlSeconds * 1000 });
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
  async take(key: string) {
    const value = await this.get(key);
    this.entries.delete(key);
    return value;
  }
}

export class RedisVaultStore implements VaultStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "revcent-mcp:vault:",
  ) {}
  async get(key: string) {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await this.redis.set(this.prefix + key, value, "EX", ttlSeconds);
  }
  async delete(key: string) {
    await this.redis.del(this.prefix + key);
  }
  async take(key: string) {
    return (await this.redis.getdel(this.prefix + key)) ?? undefined;
  }
}

/** MCP_TOKEN_KEY as a 256-bit key: any secret text, stretched by a hash with our own label. */
export function vaultKeyFrom(secret: string): Buffer {
  return createHash("sha256").update(`revcent-mcp token vault\u0000${secret}`).digest();
}

export class TokenVault {
  private readonly refreshing = new Map<string, Promise<RevCentTokens>>();

  constructor(
    private readonly store: VaultStore,
    private readonly key: Buffer,
    private readonly revcent: RevCentOAuth,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async save(grant: string, tokens: RevCentTokens): Promise<void> {
    await this.store.set(grant, this.seal(grant, tokens), GRANT_TTL_SECONDS);
  }

  /**
   * Whether RevCent's tokens for the grant are here and open; a record that cannot be opened
   * (altered, another MCP_TOKEN_KEY) is forgotten. Lapsed tokens still count: they are refreshed
   * when used.
   */
  async holds(grant: string): Promise<boolean> {
    try {
      await this.load(grant);
      return true;
    } catch (err) {
      if (!(err instanceof RevCentGrantEnded)) throw err;
      await this.forget(grant);
      return false;
    }
  }

  async forget(grant: string): Promise<void> {
    await this.store.delete(grant);
  }

  /**
   * A RevCent access token for the grant, refreshed when about to lapse (or when `stale` says
   * RevCent refused it). Throws RevCentGrantEnded when there is none any more.
   */
  async accessToken(grant: string, stale?: string): Promise<string> {
    const tokens = await this.load(grant);
    const fresh = tokens.accessToken !== stale && tokens.expiresAt - REFRESH_MARGIN_MS > this.now();
    if (fresh) return tokens.accessToken;
    return (await this.refreshOnce(grant, tokens)).accessToken;
  }

  private async load(grant: string): Promise<RevCentTokens> {
    const sealed = await this.store.get(grant);
    if (!sealed) throw new RevCentGrantEnded("no RevCent sign-in for this grant");
    return this.open(grant, sealed);
  }

  /** One refresh per grant at a time in this process; another instance's newer tokens are taken as they are. */
  private refreshOnce(grant: string, tokens: RevCentTokens): Promise<RevCentTokens> {
    let pending = this.refreshing.get(grant);
    if (!pending) {
      pending = this.refresh(grant, tokens).finally(() => this.refreshing.delete(grant));
      this.refreshing.set(grant, pending);
    }
    return pending;
  }

  private async refresh(grant: string, tokens: RevCentTokens): Promise<RevCentTokens> {
    if (!tokens.refreshToken) throw new RevCentGrantEnded("RevCent's token lapsed and it gave no refresh token");
    try {
      const next = await this.revcent.refresh(tokens.refreshToken);
      await this.save(grant, next);
      return next;
    } catch (err) {
      if (!(err instanceof RevCentGrantEnded)) throw err;
      // Another instance may have rotated the refresh token first: its tokens are in the store.
      const current = await this.load(grant).catch(() => undefined);
      if (current && current.refreshToken !== tokens.refreshToken) return current;
      await this.forget(grant);
      throw err;
    }
  }

  private seal(grant: string, tokens: RevCentTokens): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    // Bound to its grant: a record copied under another grant's key fails to open.
    cipher.setAAD(Buffer.from(grant));
    const body = Buffer.concat([cipher.update(JSON.stringify(tokens), "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }

  private open(grant: string, sealed: string): RevCentTokens {
    try {
      const raw = Buffer.from(sealed, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(grant));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
      return JSON.parse(text) as RevCentTokens;
    } catch {
      throw new RevCentGrantEnded("the stored RevCent sign-in could not be opened (another MCP_TOKEN_KEY?)");
    }
  }
}
