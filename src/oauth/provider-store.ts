// Where the authorization server keeps what it issues (registered clients, codes, tokens, grants,
// sessions): oidc-provider's own bounded in-memory store for one process, or Redis so that several
// instances behind a load balancer share grants — a token issued through one is honoured by all.
// The Redis layout follows oidc-provider's documented adapter contract: one key per model and id,
// consumable models as hashes (so consuming a code or refresh token is one HSET), and a list per
// grant of the keys issued under it, so revoking a grant (a refresh token reused) removes them all.
import type { Redis } from "ioredis";
import type { Adapter, AdapterPayload } from "oidc-provider";

const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode"]);
const CONSUMABLE = new Set(["AuthorizationCode", "RefreshToken", "DeviceCode"]);
const DEFAULT_PREFIX = "revcent-mcp:oauth:";
/**
 * oidc-provider stores a registered client with no lifetime; anyone may register, so a client
 * unused for this long is gone (each use restarts it), and registrations cannot pile up forever.
 */
export const CLIENT_TTL_SECONDS = 30 * 24 * 3600;

export type AdapterFactory = (model: string) => Adapter;

export function redisAdapter(redis: Redis, prefix = DEFAULT_PREFIX): AdapterFactory {
  return (model) => new RedisAdapter(redis, model, prefix);
}

class RedisAdapter implements Adapter {
  constructor(
    private readonly redis: Redis,
    private readonly model: string,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}${this.model}:${id}`;
  }
  private grantKey(grantId: string): string {
    return `${this.prefix}grant:${grantId}`;
  }
  private uidKey(uid: string): string {
    return `${this.prefix}uid:${uid}`;
  }
  private userCodeKey(code: string): string {
    return `${this.prefix}usercode:${code}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const key = this.key(id);
    const multi = this.redis.multi();
    if (CONSUMABLE.has(this.model)) {
      multi.del(key);
      multi.hset(key, { payload: JSON.stringify(payload) });
    } else multi.set(key, JSON.stringify(payload));
    const lifetime = expiresIn || (this.model === "Client" ? CLIENT_TTL_SECONDS : 0);
    if (lifetime) multi.expire(key, lifetime);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const grantKey = this.grantKey(payload.grantId);
      multi.rpush(grantKey, key);
      // The grant's list lives as long as its longest-lived member.
      const ttl = await this.redis.ttl(grantKey);
      if (expiresIn && expiresIn > ttl) multi.expire(grantKey, expiresIn);
    }
    if (payload.userCode) multi.set(this.userCodeKey(payload.userCode), id, "EX", expiresIn || 600);
    if (payload.uid) multi.set(this.uidKey(payload.uid), id, "EX", expiresIn || 600);
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.key(id);
    if (CONSUMABLE.has(this.model)) {
      const data = await this.redis.hgetall(key);
      if (!data.payload) return undefined;
      const { payload, consumed } = data;
      return { ...(JSON.parse(payload) as AdapterPayload), ...(consumed ? { consumed: Number(consumed) } : {}) };
    }
    const data = await this.redis.get(key);
    if (data && this.model === "Client") await this.redis.expire(key, CLIENT_TTL_SECONDS);
    return data ? (JSON.parse(data) as AdapterPayload) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.uidKey(uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(this.userCodeKey(userCode));
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    await this.redis.hset(this.key(id), "consumed", Math.floor(Date.now() / 1000));
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const keys = await this.redis.lrange(grantKey, 0, -1);
    await this.redis.del(...keys, grantKey);
  }
}
