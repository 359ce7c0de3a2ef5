// What a server's sessions share — the catalog, validators, result hygiene, the guard's store and
// handle key, one upstream pool, cached BigQuery schemas — and what each credential gets: a client holding its key, and a
// guard reading through that client. buildServer() makes one McpServer per session from these.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { ServerDeps } from "./build-server.js";
import { Policy } from "./operations/policy.js";
import { RevCentClient } from "./client/revcent-client.js";
import { UpstreamPool } from "./client/upstream-pool.js";
import type { Config } from "./config.js";
import { ConfigError } from "./errors.js";
import { credentialOf } from "./secrets/credential.js";
import { Guard } from "./guard/guard.js";
import { VerificationHandles } from "./guard/handle.js";
import { ResultHygiene } from "./tools/result-hygiene.js";
import { MemoryGuardStore, type GuardStore } from "./guard/store.js";
import type { SchemaCache } from "./resources/bigquery.js";
import { TtlCache } from "./resources/ttl-cache.js";
import { ToolCatalog } from "./tools/catalog.js";
import type { Operation } from "./operations/operation.js";
import { Validators } from "./operations/validation.js";
import { principalOfGrant } from "./oauth/principal.js";
import type { AuditSink } from "./audit/audit-log.js";
import type { MoneyLedger } from "./money/ledger.js";
import { MemoryLedger } from "./money/memory-ledger.js";
import { loadLimits, SUPPORT_REFUND_DEFAULTS, type Limits } from "./money/limits.js";
import { MoneyRules } from "./money/rules.js";

export type DepsConfig = Pick<
  Config,
  | "profile"
  | "toolsets"
  | "tools"
  | "denyTools"
  | "readOnly"
  | "guard"
  | "allowCardData"
  | "requestTimeoutMs"
  | "maxAnswerTokens"
  | "toolsMode"
  | "supportRefunds"
  | "confirm"
> & { limitsPath?: string | undefined };

/** Where RevCent is: the V2 base, and the legacy V1 endpoint when there is one. */
export interface Upstream {
  apiUrl: string;
  v1Url?: string | undefined;
}

/** Credentials whose client and guard are kept between requests (the least recently used go first). */
export const MAX_CACHED_CREDENTIALS = 1000;

/** BigQuery schemas change rarely; ten minutes of staleness saves every session a call. */
const SCHEMA_CACHE = { ttlMs: 10 * 60_000, failureTtlMs: 30_000, maxEntries: 1000 };

export interface SharedState {
  guardStore?: GuardStore;
  handles?: VerificationHandles;
  /** The key that seals 2026-07-28 request state; random per process when not given. */
  requestStateKey?: Uint8Array;
  /** The guard's clock (ms); tests move it instead of waiting. */
  now?: () => number;
  /** Where money limits and confirmation tokens are counted; in memory when not given. */
  ledger?: MoneyLedger;
  /** The audit trail; none when no file or Redis is configured. */
  audit?: AuditSink;
}

/** The operator's limits; the support profile's refund defaults when it may refund and no file is given. */
function limitsOf(config: DepsConfig): Limits {
  if (config.limitsPath) return loadLimits(config.limitsPath);
  return config.profile === "support" && config.supportRefunds ? SUPPORT_REFUND_DEFAULTS : {};
}

/**
 * Each `operations` entry of the limits file names an operation the rules hold back: a misspelt id,
 * or an operation that neither moves money nor is destructive, would be a limit that never applies.
 */
function checkLimitOperations(money: MoneyRules, operations: readonly Operation[], path: string | undefined): void {
  const byId = new Map(operations.map((op) => [op.id, op]));
  for (const id of Object.keys(money.limits.operations ?? {})) {
    const op = byId.get(id);
    if (!op)
      throw new ConfigError(
        `limits file ${path}: operations.${id} is no such operation (ids as in tools/list, e.g. RefundTransaction).`,
      );
    if (!money.governs(op))
      throw new ConfigError(
        `limits file ${path}: operations.${id} neither moves money nor is destructive, so no limit applies to it.`,
      );
  }
}

export class SharedServerParts {
  readonly policy: Policy;
  readonly catalog: ToolCatalog;
  readonly validators = new Validators();
  readonly hygiene: ResultHygiene;
  readonly pool: UpstreamPool;
  /** The V1 endpoint's pool when its origin is not the V2 base's. */
  private readonly v1Pool: UpstreamPool | undefined;

  /** Keyed by credential, so one account's tables are never another's. */
  readonly tableSchemas: SchemaCache = new TtlCache(SCHEMA_CACHE);
  private readonly byId: ReadonlyMap<string, Operation>;
  private readonly guardStore: GuardStore;
  private readonly handles: VerificationHandles;
  private readonly requestStateKey: Uint8Array;
  private readonly now: () => number;
  private readonly depsByCredential = new Map<string, ServerDeps>();
  readonly money: MoneyRules;
  private readonly audit: AuditSink | undefined;

  /** Throws ConfigError for an unknown toolset or tool name. */
  constructor(
    private readonly config: DepsConfig,
    operations: readonly Operation[],
    private readonly upstream: Upstream,
    readonly logger: Logger,
    shared: SharedState = {},
  ) {
    this.policy = Policy.fromConfig(config, operations);
    const v1Listed = operations.find((op) => op.v1 && this.policy.allows(op.id));
    if (v1Listed && !upstream.v1Url) {
      throw new ConfigError(
        `${v1Listed.id} is a V1 operation, and the V1 endpoint cannot be derived from ${upstream.apiUrl} (it does not end in /v2): set --api-v1-url.`,
      );
    }
    this.money = new MoneyRules(
      config.confirm,
      limitsOf(config),
      shared.ledger ?? new MemoryLedger(shared.now ?? Date.now),
    );
    checkLimitOperations(this.money, operations, config.limitsPath);
    const money = this.money;
    this.catalog = new ToolCatalog(operations, this.policy, config.guard, config.toolsMode, {
      takesToken: (op) => money.offersTokens && money.governs(op),
      listsToken: config.confirm === "token",
      mode: config.confirm,
    });
    this.hygiene = new ResultHygiene(operations);
    this.byId = new Map(operations.map((op) => [op.id, op]));
    const origin = new URL(upstream.apiUrl).origin;
    const v1Origin = upstream.v1Url ? new URL(upstream.v1Url).origin : origin;
    this.pool = new UpstreamPool(origin, { connections: 16, timeoutMs: config.requestTimeoutMs });
    this.v1Pool =
      v1Origin === origin
        ? undefined
        : new UpstreamPool(v1Origin, { connections: 16, timeoutMs: config.requestTimeoutMs });
    this.now = shared.now ?? Date.now;
    this.guardStore = shared.guardStore ?? new MemoryGuardStore(this.now);
    this.handles = shared.handles ?? new VerificationHandles(undefined, this.now);
    this.requestStateKey = shared.requestStateKey ?? randomBytes(32);
    this.audit = shared.audit;
  }

  /**
   * The deps of sessions that call RevCent with this key: one client and guard per credential,
   * kept for the most recent credentials only. Over HTTP any x-api-key reaches here before RevCent
   * has judged it, so the cache must not grow with every made-up key; a client and a guard hold no
   * state of their own (the guard's is in its store), so rebuilding one loses nothing.
   */
  forKey(apiKey: string): ServerDeps {
    const credential = credentialOf(apiKey);
    return this.cached(`k:${credential}`, credential, { apiKey });
  }

  /**
   * The deps of sessions signed in through OAuth: RevCent calls carry the grant's RevCent token,
   * which `bearer` gives (and refreshes). Guard state, limits and audit follow the grant.
   */
  forGrant(account: string, bearer: (stale?: string) => Promise<string>): ServerDeps {
    return this.cached(principalOfGrant(account), credentialOf(`oauth-grant:${account}`), { bearer });
  }

  /** The caller's last session closed: their deps go (a later call rebuilds them; they hold no state). */
  release(principal: string): void {
    this.depsByCredential.delete(principal);
  }

  /** How many callers' deps are kept (for tests of what a flood or a closed session leaves). */
  get cachedCallers(): number {
    return this.depsByCredential.size;
  }

  /** Keyed by who calls (`k:<credential>` for a key, the grant's principal for OAuth). */
  private cached(
    key: string,
    credential: string,
    auth: { apiKey: string } | { bearer: (stale?: string) => Promise<string> },
  ) {
    let deps = this.depsByCredential.get(key);
    if (deps) {
      this.depsByCredential.delete(key); // most recently used last
    } else {
      deps = this.depsFor(auth, credential);
      if (this.depsByCredential.size >= MAX_CACHED_CREDENTIALS) {
        this.depsByCredential.delete(this.depsByCredential.keys().next().value!);
      }
    }
    this.depsByCredential.set(key, deps);
    return deps;
  }

  private depsFor(
    auth: { apiKey: string } | { bearer: (stale?: string) => Promise<string> },
    credential: string,
  ): ServerDeps {
    const client = new RevCentClient({
      baseUrl: this.upstream.apiUrl,
      v1Url: this.upstream.v1Url,
      ...auth,
      policy: this.policy,
      logger: this.logger,
      timeoutMs: this.config.requestTimeoutMs,
      pool: this.pool,
      v1Pool: this.v1Pool,
    });
    return {
      catalog: this.catalog,
      client,
      validators: this.validators,
      logger: this.logger,
      hygiene: this.hygiene,
      guard: this.config.guard ? new Guard(this.byId, client, this.guardStore, this.handles, this.now) : undefined,
      gate: {
        rules: this.money,
        audit: this.audit,
        profile: this.config.profile,
        operations: this.byId,
        read: async (id, args) => (await client.call(this.byId.get(id)!, args)).body,
      },
      allowCardData: this.config.allowCardData,
      maxAnswerTokens: this.config.maxAnswerTokens,
      credential,
      tableSchemas: this.tableSchemas,
      requestStateKey: this.requestStateKey,
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.v1Pool?.close();
  }
}
