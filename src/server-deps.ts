// The parts of a server that every session shares: the operation catalog, the client (one pool,
// one policy), the guard and its store. buildServer() makes one McpServer per session from them.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { ServerDeps } from "./build-server.js";
import { Policy } from "./client/policy.js";
import { RevCentClient } from "./client/revcent-client.js";
import type { Config } from "./config.js";
import { Guard } from "./guard/guard.js";
import { VerificationHandles } from "./guard/handle.js";
import { ResultHygiene } from "./guard/hygiene.js";
import { MemoryGuardStore, type GuardStore } from "./guard/store.js";
import { ToolCatalog } from "./tools/catalog.js";
import type { Operation } from "./tools/operation.js";
import { Validators } from "./tools/validation.js";

export type DepsConfig = Pick<Config, "profile" | "toolsets" | "tools" | "denyTools" | "readOnly" | "guard" | "allowCardData" | "requestTimeoutMs">;

export interface Upstream {
  apiUrl: string;
  apiKey: string;
}

export interface SharedState {
  guardStore?: GuardStore;
  handles?: VerificationHandles;
}

/** Throws ConfigError for an unknown toolset or tool name. */
export function createServerDeps(config: DepsConfig, operations: readonly Operation[], upstream: Upstream, logger: Logger, shared: SharedState = {}): ServerDeps {
  const policy = Policy.fromConfig(config, operations);
  const client = new RevCentClient({ baseUrl: upstream.apiUrl, apiKey: upstream.apiKey, policy, logger, timeoutMs: config.requestTimeoutMs });
  const byId = new Map(operations.map((op) => [op.id, op]));
  const guard = config.guard
    ? new Guard(byId, client, shared.guardStore ?? new MemoryGuardStore(), shared.handles ?? new VerificationHandles())
    : undefined;
  return {
    catalog: new ToolCatalog(operations, policy, guard),
    client,
    validators: new Validators(),
    logger,
    hygiene: new ResultHygiene(operations),
    guard,
    allowCardData: config.allowCardData,
    credential: createHash("sha256").update(upstream.apiKey).digest("hex").slice(0, 16),
  };
}
