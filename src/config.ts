// One typed Config, parsed once: flags > environment > defaults. The API key is read
// from the environment only, never from argv, so it cannot leak through process listings.
import { parseArgs } from "node:util";
import { ConfigError } from "./errors.js";
import type { PolicyConfig } from "./operations/policy.js";
import type { ConfirmMode } from "./money/rules.js";
import {
  DEFAULT_API_URL,
  SETTINGS,
  environmentHelpLines,
  flagHelpLines,
  parseArgsOptions,
  type Setting,
} from "./settings.js";

type ToolsMode = "static" | "dynamic";
type Transport = "stdio" | "http";

/** The policy's fields (profile, toolsets, tools, denyTools, readOnly, guard) and the rest. */
export interface Config extends PolicyConfig {
  command: "serve" | "sandbox";
  apiKey: string | undefined;
  apiUrl: string;
  /** The legacy V1 endpoint; undefined = derived from apiUrl (see v1EndpointFor). */
  apiV1Url: string | undefined;
  /** Another OpenAPI document (e.g. RevCent's official openapi.json); undefined = bundled spec. */
  openapiPath: string | undefined;
  /** PCI-scoped deployments only: card numbers and codes may be passed as arguments. */
  allowCardData: boolean;
  /** How a person confirms money movement and destructive calls. */
  confirm: ConfirmMode;
  /** The operator's limits file; undefined = no limits (support refunds get their defaults). */
  limitsPath: string | undefined;
  toolsMode: ToolsMode;
  transport: Transport;
  port: number;
  host: string;
  /** HTTP without protocol sessions (for horizontal scale). */
  stateless: boolean;
  /** HTTP bearer tokens for bot backends (MCP_AUTH_TOKENS, environment only); empty = none. */
  authTokens: string[];
  /** How HTTP callers authenticate; resolved from MCP_AUTH_TOKENS and --sandbox when not given. */
  authMode: "oauth" | "tokens" | "keys" | "none";
  /** The server's public origin for OAuth (MCP_PUBLIC_URL); the listening address on loopback. */
  publicUrl: string | undefined;
  /** Encrypts RevCent's OAuth tokens at rest and signs sign-in cookies (environment only). */
  tokenKey: string | undefined;
  revcentOAuthClientId: string | undefined;
  revcentOAuthClientSecret: string | undefined;
  revcentOAuthAuthorizeUrl: string;
  revcentOAuthTokenUrl: string;
  /** Host names (Host header) the HTTP server answers to, besides loopback. */
  allowedHosts: string[];
  /** Origins browsers may call the HTTP server from, besides the allowed hosts. */
  allowedOrigins: string[];
  /** Behind a load balancer: a client's address is the first X-Forwarded-For entry. */
  trustProxy: boolean;
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
  /** No tool answer is larger, in o200k tokens (estimated). */
  maxAnswerTokens: number;
  /** The audit trail's file (src/audit/file-sink.ts); undefined = no file. */
  auditLog?: string;
}

export { DEFAULT_API_URL };
export const SANDBOX_API_KEY = "sandbox-key";

/** Every command-line flag, from the settings table; --help describes each (tested). */
export const FLAGS = parseArgsOptions();

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: FLAGS });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}. Run revcent-mcp --help for the flags.`);
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) throw new HelpRequested();
  const command = positionals[0] ?? "serve";
  if (command !== "serve" && command !== "sandbox") {
    throw new ConfigError(
      `unknown command "${command}": use "sandbox" to run the emulator, or no command to serve MCP.`,
    );
  }
  if (positionals.length > 1) throw new ConfigError(`unexpected argument "${positionals[1]}".`);

  const values: Record<string, unknown> = { command };
  // The profile first: the guard's default depends on it.
  const ordered = [...SETTINGS].sort((x, y) => Number(y.key === "profile") - Number(x.key === "profile"));
  for (const setting of ordered) {
    const given =
      setting.flag === undefined ? undefined : (flags as Record<string, string | boolean | undefined>)[setting.flag];
    values[setting.key] = readSetting(setting, given, env, values as { command: string; profile: string });
  }
  const { guardMode, ...rest } = values;
  const config = { ...rest, guard: guardMode === "verification" } as Config;
  if (config.profile === "support" && !config.guard) {
    throw new ConfigError(
      "--guard off cannot be combined with --profile support: the support profile is for public visitors and always verifies them.",
    );
  }
  config.authMode ??= config.authTokens.length ? "tokens" : config.sandbox ? "none" : "keys";
  checkAuth(config);
  // Over HTTP with keys or OAuth, each caller brings its own access; otherwise the server needs a key.
  const callersBringKeys = config.transport === "http" && (config.authMode === "keys" || config.authMode === "oauth");
  if (config.command === "serve" && !config.apiKey && !config.sandbox && !callersBringKeys) {
    throw new ConfigError(
      config.transport === "http"
        ? "MCP_AUTH_TOKENS is set but there is no RevCent API key: set REVCENT_API_KEY, or unset MCP_AUTH_TOKENS so each caller sends its own key as x-api-key."
        : "no RevCent API key: set REVCENT_API_KEY in the environment, or pass --sandbox to use the built-in emulator.",
    );
  }
  if (config.redisUrl && !config.guardSecret) {
    throw new ConfigError(
      "REDIS_URL is set but REVCENT_GUARD_SECRET is not: instances sharing guard state must share the key that signs verification handles.",
    );
  }
  return config;
}

/** The HTTP authentication mode and what it needs; each mistake is one line that says how to fix it. */
function checkAuth(config: Config): void {
  const mode = config.authMode;
  if (mode === "tokens" && !config.authTokens.length)
    throw new ConfigError("--auth tokens needs MCP_AUTH_TOKENS (comma-separated bearer tokens).");
  if (mode === "none" && !config.sandbox)
    throw new ConfigError("--auth none is for the loopback sandbox only: use --sandbox, or another --auth mode.");
  if (mode !== "oauth") return;
  if (config.transport !== "http") throw new ConfigError("--auth oauth needs --transport http.");
  if (config.sandbox) return; // the sandbox's own OAuth client, a per-process key
  const missing = [
    !config.revcentOAuthClientId && "REVCENT_OAUTH_CLIENT_ID",
    !config.revcentOAuthClientSecret && "REVCENT_OAUTH_CLIENT_SECRET",
    !config.tokenKey && "MCP_TOKEN_KEY",
  ].filter(Boolean);
  if (missing.length)
    throw new ConfigError(
      `--auth oauth needs ${missing.join(", ")}: create an OAuth client in RevCent's web app, and set a secret of 32+ characters as MCP_TOKEN_KEY.`,
    );
  if (config.tokenKey!.length < 32) throw new ConfigError("MCP_TOKEN_KEY must be at least 32 characters.");
  if (!config.publicUrl && !["127.0.0.1", "localhost", "::1"].includes(config.host))
    throw new ConfigError("--auth oauth on a non-loopback host needs MCP_PUBLIC_URL, the https origin clients reach.");
}

/** One setting's value: the flag, else the environment, else the default; checked by its kind. */
function readSetting(
  setting: Setting,
  given: string | boolean | undefined,
  env: NodeJS.ProcessEnv,
  known: { command: string; profile: string },
): unknown {
  const fromEnv = setting.env === undefined ? undefined : env[setting.env];
  const fallback = typeof setting.default === "function" ? setting.default(known) : setting.default;
  // Booleans are named by their variable (the flag takes no value to get wrong); the rest by the flag.
  const name = setting.flag ? `--${setting.flag}` : setting.env!;
  switch (setting.kind.type) {
    case "boolean":
      return typeof given === "boolean" ? given : bool(setting.env!, fromEnv);
    case "list": {
      const items = list((given as string | undefined) ?? fromEnv);
      return items ?? (setting.key === "toolsets" ? null : []);
    }
    default: {
      const text = (given as string | undefined) ?? nonEmpty(fromEnv) ?? fallback;
      if (text === undefined) return undefined;
      if (setting.kind.type === "url") return httpUrl(name, text);
      if (setting.kind.type === "choice") return oneOf(name, text, setting.kind.values);
      if (setting.kind.type === "port") return port(text);
      if (setting.kind.type === "count") return positiveInt(name, text);
      return text;
    }
  }
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

export class HelpRequested extends Error {}

export const HELP = `revcent-mcp: the RevCent V2 API as MCP tools.

Usage:
  revcent-mcp [flags]                serve MCP over stdio (REVCENT_API_KEY in the environment)
  revcent-mcp --sandbox [flags]      serve MCP against a built-in emulator of the API
  revcent-mcp sandbox [--port 4010]  run the emulator alone (API key: sandbox-key)
  revcent-mcp spec diff FILE|DIR     compare the spec with RevCent's openapi.json or its operation
                                     files (exit 0 same, 1 different, 2 unreadable)
  revcent-mcp audit [--since 1h] [--operation NAME] [--json] [--file FILE]
                                     print the audit trail, oldest first (audit --help for more)

Flags (environment variable in brackets, default in parentheses):
${flagHelpLines().join("\n")}

Environment only (never a flag: argv is visible to other processes). Logs go to stderr.
${environmentHelpLines().join("\n")}
`;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function list(v: string | undefined): string[] | undefined {
  const items = nonEmpty(v)
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
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
