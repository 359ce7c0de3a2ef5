// One typed Config, parsed once: flags > environment > defaults. The API key is read
// from the environment only, never from argv, so it cannot leak through process listings.
import { parseArgs } from "node:util";
import { ConfigError } from "./errors.js";
import type { Profile } from "./operations/policy.js";
export type ToolsMode = "static" | "dynamic";
export type Transport = "stdio" | "http";

export interface Config {
  command: "serve" | "sandbox";
  apiKey: string | undefined;
  apiUrl: string;
  /** The legacy V1 endpoint; undefined = derived from apiUrl (see v1EndpointFor). */
  apiV1Url: string | undefined;
  /** Another OpenAPI document (e.g. RevCent's official openapi.json); undefined = bundled spec. */
  openapiPath: string | undefined;
  profile: Profile;
  /** Toolset names as given (`default` and `all` are expanded by the policy); null when not set. */
  toolsets: string[] | null;
  tools: string[];
  denyTools: string[];
  readOnly: boolean;
  /** Verification on search-then-get; always on in the support profile. */
  guard: boolean;
  /** PCI-scoped deployments only: card numbers and codes may be passed as arguments. */
  allowCardData: boolean;
  toolsMode: ToolsMode;
  transport: Transport;
  port: number;
  host: string;
  /** HTTP without protocol sessions (for horizontal scale). */
  stateless: boolean;
  /** HTTP bearer tokens for bot backends (MCP_AUTH_TOKENS, environment only); empty = none. */
  authTokens: string[];
  /** Host names (Host header) the HTTP server answers to, besides loopback. */
  allowedHosts: string[];
  /** Origins browsers may call the HTTP server from, besides the allowed hosts. */
  allowedOrigins: string[];
  maxSessions: number;
  /** Per-caller requests per second on HTTP (burst: twice this). */
  rateLimit: number;
  /** Redis for guard state shared by several instances (environment only). */
  redisUrl: string | undefined;
  /** Key for verification handles, shared by instances (environment only). */
  guardSecret: string | undefined;
  sandbox: boolean;
  logLevel: string;
  /** Upstream deadline per request. */
  requestTimeoutMs: number;
}

export const DEFAULT_API_URL = "https://api.revcent.com/v2";
export const SANDBOX_API_KEY = "sandbox-key";

const PROFILES: readonly Profile[] = ["operator", "readonly", "support"];
const GUARDS = ["verification", "off"] as const;
const TOOLS_MODES: readonly ToolsMode[] = ["static", "dynamic"];
const TRANSPORTS: readonly Transport[] = ["stdio", "http"];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Every command-line flag; HELP must describe each (tested). */
export const FLAGS = {
  "api-url": { type: "string" },
  "api-v1-url": { type: "string" },
  openapi: { type: "string" },
  profile: { type: "string" },
  toolsets: { type: "string" },
  tools: { type: "string" },
  "deny-tools": { type: "string" },
  "read-only": { type: "boolean" },
  guard: { type: "string" },
  "allow-card-data": { type: "boolean" },
  "tools-mode": { type: "string" },
  transport: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  stateless: { type: "boolean" },
  "allowed-hosts": { type: "string" },
  "allowed-origins": { type: "string" },
  "max-sessions": { type: "string" },
  "rate-limit": { type: "string" },
  sandbox: { type: "boolean" },
  "timeout-ms": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: FLAGS,
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}. Run revcent-mcp --help for the flags.`);
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) throw new HelpRequested();
  const command = positionals[0] ?? "serve";
  if (command !== "serve" && command !== "sandbox") {
    throw new ConfigError(`unknown command "${command}": use "sandbox" to run the emulator, or no command to serve MCP.`);
  }
  if (positionals.length > 1) throw new ConfigError(`unexpected argument "${positionals[1]}".`);

  const config: Config = {
    command,
    apiKey: nonEmpty(env.REVCENT_API_KEY),
    apiUrl: httpUrl("--api-url", flags["api-url"] ?? nonEmpty(env.REVCENT_API_URL) ?? DEFAULT_API_URL),
    apiV1Url: optionalHttpUrl("--api-v1-url", flags["api-v1-url"] ?? nonEmpty(env.REVCENT_API_V1_URL)),
    openapiPath: flags.openapi ?? nonEmpty(env.REVCENT_OPENAPI),
    profile: oneOf("--profile", flags.profile ?? nonEmpty(env.REVCENT_PROFILE) ?? "operator", PROFILES),
    toolsets: list(flags.toolsets ?? env.REVCENT_TOOLSETS) ?? null,
    tools: list(flags.tools ?? env.REVCENT_TOOLS) ?? [],
    denyTools: list(flags["deny-tools"] ?? env.REVCENT_DENY_TOOLS) ?? [],
    readOnly: flags["read-only"] ?? bool("REVCENT_READ_ONLY", env.REVCENT_READ_ONLY),
    guard: false,
    allowCardData: flags["allow-card-data"] ?? bool("REVCENT_ALLOW_CARD_DATA", env.REVCENT_ALLOW_CARD_DATA),
    toolsMode: oneOf("--tools-mode", flags["tools-mode"] ?? nonEmpty(env.REVCENT_TOOLS_MODE) ?? "static", TOOLS_MODES),
    transport: oneOf("--transport", flags.transport ?? nonEmpty(env.MCP_TRANSPORT) ?? "stdio", TRANSPORTS),
    port: port(flags.port ?? nonEmpty(env.PORT) ?? (command === "sandbox" ? "4010" : "3000")),
    host: flags.host ?? nonEmpty(env.HOST) ?? "127.0.0.1",
    stateless: flags.stateless ?? bool("MCP_STATELESS", env.MCP_STATELESS),
    authTokens: list(env.MCP_AUTH_TOKENS) ?? [],
    allowedHosts: list(flags["allowed-hosts"] ?? env.MCP_ALLOWED_HOSTS) ?? [],
    allowedOrigins: list(flags["allowed-origins"] ?? env.MCP_ALLOWED_ORIGINS) ?? [],
    maxSessions: positiveInt("--max-sessions", flags["max-sessions"] ?? nonEmpty(env.MCP_MAX_SESSIONS) ?? "1000"),
    rateLimit: positiveInt("--rate-limit", flags["rate-limit"] ?? nonEmpty(env.MCP_RATE_LIMIT) ?? "20"),
    redisUrl: nonEmpty(env.REDIS_URL),
    guardSecret: nonEmpty(env.REVCENT_GUARD_SECRET),
    sandbox: flags.sandbox ?? bool("REVCENT_SANDBOX", env.REVCENT_SANDBOX),
    logLevel: oneOf("LOG_LEVEL", nonEmpty(env.LOG_LEVEL) ?? "info", LOG_LEVELS),
    requestTimeoutMs: positiveInt("--timeout-ms", flags["timeout-ms"] ?? nonEmpty(env.REVCENT_TIMEOUT_MS) ?? "30000"),
  };
  const guard = oneOf("--guard", flags.guard ?? nonEmpty(env.REVCENT_GUARD) ?? (config.profile === "support" ? "verification" : "off"), GUARDS);
  if (config.profile === "support" && guard === "off") {
    throw new ConfigError("--guard off cannot be combined with --profile support: the support profile is for public visitors and always verifies them.");
  }
  config.guard = guard === "verification";
  // Over HTTP without MCP tokens, each caller brings its own key (x-api-key); otherwise the server needs one.
  const callersBringKeys = config.transport === "http" && config.authTokens.length === 0;
  if (config.command === "serve" && !config.apiKey && !config.sandbox && !callersBringKeys) {
    throw new ConfigError(
      config.transport === "http"
        ? "MCP_AUTH_TOKENS is set but there is no RevCent API key: set REVCENT_API_KEY, or unset MCP_AUTH_TOKENS so each caller sends its own key as x-api-key."
        : "no RevCent API key: set REVCENT_API_KEY in the environment, or pass --sandbox to use the built-in emulator.",
    );
  }
  if (config.redisUrl && !config.guardSecret) {
    throw new ConfigError("REDIS_URL is set but REVCENT_GUARD_SECRET is not: instances sharing guard state must share the key that signs verification handles.");
  }
  return config;
}

/**
 * Where V1 requests go: the given URL, or the V2 base's sibling — RevCent serves V1 at /v1 next to
 * /v2 (https://api.revcent.com/v1), and so does the sandbox. Undefined when the V2 base does not
 * end in /v2, so there is nothing to derive from.
 */
export function v1EndpointFor(apiUrl: string, explicit: string | undefined): string | undefined {
  if (explicit) return explicit;
  const url = URL.canParse(apiUrl) ? new URL(apiUrl) : undefined;
  if (!url) return undefined;
  const path = url.pathname.replace(/\/$/, "");
  if (!path.endsWith("/v2")) return undefined;
  url.pathname = `${path.slice(0, -"/v2".length)}/v1`;
  return url.toString();
}

/** An http(s) URL, or a start-up error naming the flag (a typo must not surface as a crash later). */
function httpUrl(flag: string, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigError(`${flag}: "${value}" is not an http(s) URL, e.g. ${DEFAULT_API_URL}.`);
  }
  return value;
}

function optionalHttpUrl(flag: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : httpUrl(flag, value);
}

export class HelpRequested extends Error {}

export const HELP = `revcent-mcp: the RevCent V2 API as MCP tools.

Usage:
  revcent-mcp [flags]                serve MCP over stdio (REVCENT_API_KEY in the environment)
  revcent-mcp --sandbox [flags]      serve MCP against a built-in emulator of the API
  revcent-mcp sandbox [--port 4010]  run the emulator alone (API key: sandbox-key)
  revcent-mcp spec diff FILE|DIR     compare the spec with RevCent's openapi.json or its operation
                                     files (exit 0 same, 1 different, 2 unreadable)

Flags (environment variable in brackets):
  --api-url URL          RevCent API base [REVCENT_API_URL] (${DEFAULT_API_URL})
  --api-v1-url URL       legacy V1 endpoint, for the v1-legacy toolset [REVCENT_API_V1_URL] (api-url's /v2 -> /v1)
  --openapi FILE         another OpenAPI document, e.g. RevCent's official one [REVCENT_OPENAPI]
  --profile NAME         operator | readonly | support [REVCENT_PROFILE] (operator)
  --toolsets a,b         toolsets to expose, or default, or all (V2; add v1-legacy by name) [REVCENT_TOOLSETS] (default)
  --tools a,b            only these operations [REVCENT_TOOLS]
  --deny-tools a,b       never these operations [REVCENT_DENY_TOOLS]
  --read-only            only operations that change nothing [REVCENT_READ_ONLY]
  --guard MODE           verification | off [REVCENT_GUARD] (verification in support, else off)
  --allow-card-data      accept card numbers in arguments; PCI-scoped deployments only [REVCENT_ALLOW_CARD_DATA]
  --tools-mode MODE      static | dynamic (3 discovery tools) [REVCENT_TOOLS_MODE] (static)
  --sandbox              start the emulator in-process and use it [REVCENT_SANDBOX]
  --timeout-ms N         upstream deadline per request [REVCENT_TIMEOUT_MS] (30000)
  --transport NAME       stdio | http [MCP_TRANSPORT] (stdio)
  --port N, --host H     listen address [PORT, HOST] (3000 for http, 4010 for sandbox; 127.0.0.1)
  --stateless            http without protocol sessions [MCP_STATELESS]
  --allowed-hosts a,b    Host names http answers to besides loopback [MCP_ALLOWED_HOSTS]
  --allowed-origins a,b  browser origins allowed besides those hosts [MCP_ALLOWED_ORIGINS]
  --max-sessions N       open http sessions at most [MCP_MAX_SESSIONS] (1000)
  --rate-limit N         requests per second per caller on http, burst 2N [MCP_RATE_LIMIT] (20)
  -h, --help             this text

Environment only: REVCENT_API_KEY (never a flag: argv is visible to other processes);
MCP_AUTH_TOKENS (http bearer tokens; the server then uses REVCENT_API_KEY); REDIS_URL and
REVCENT_GUARD_SECRET (guard state shared by several instances). Logs go to stderr [LOG_LEVEL] (info).
`;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function list(v: string | undefined): string[] | undefined {
  const items = nonEmpty(v)?.split(",").map((s) => s.trim()).filter(Boolean);
  return items?.length ? items : undefined;
}

function bool(name: string, v: string | undefined): boolean {
  const s = nonEmpty(v)?.toLowerCase();
  if (s === undefined || s === "0" || s === "false" || s === "no") return false;
  if (s === "1" || s === "true" || s === "yes") return true;
  throw new ConfigError(`${name} must be true or false, got "${v}".`);
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${name} must be one of ${allowed.join(", ")}; got "${value}".`);
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`--port must be 0-65535, got "${v}".`);
  return n;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number, got "${v}".`);
  return n;
}
