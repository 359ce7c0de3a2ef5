// Every setting, once: its flag, its environment variable, its default, how it is read, and the
// words --help and the README's Configuration table say about it. config.ts parses from this table,
// --help is printed from it, and the README table is generated from it (test/readme.test.ts).
export const DEFAULT_API_URL = "https://api.revcent.com/v2";

/** How a setting's text becomes its value. */
type SettingKind =
  | { type: "string" }
  | { type: "url" }
  | { type: "list" }
  | { type: "boolean" }
  | { type: "port" }
  | { type: "count" }
  | { type: "choice"; values: readonly string[] };

export interface Setting {
  /** The Config field it sets (guardMode becomes Config.guard). */
  key: string;
  /** The command-line flag without its dashes; none for secrets (argv is visible to other processes). */
  flag?: string;
  env?: string;
  kind: SettingKind;
  /** The value when neither flag nor environment gives one; a function where it depends on others. */
  default?: string | ((known: { command: string; profile: string }) => string);
  /** The flag's argument in --help (URL, N, a,b …). */
  arg?: string;
  /** One line for --help. */
  help: string;
  /** The default as the README says it, and its meaning there. */
  readme: { default: string; meaning: string };
}

import { CONFIRM_MODES } from "./money/rules.js";
import { DEFAULT_MAX_ANSWER_TOKENS } from "./tools/answers.js";

/** RevCent's OAuth endpoints (its knowledge base names them). */
const REVCENT_OAUTH_DEFAULTS = {
  authorizeUrl: "https://revcent.com/oauth/authorize",
  tokenUrl: "https://revcent.com/oauth/token",
};

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const SETTINGS: readonly Setting[] = [
  {
    key: "apiKey",
    env: "REVCENT_API_KEY",
    kind: { type: "string" },
    help: "your RevCent API key",
    readme: { default: "—", meaning: "your RevCent API key (required unless `--sandbox`)" },
  },
  {
    key: "apiUrl",
    flag: "api-url",
    env: "REVCENT_API_URL",
    kind: { type: "url" },
    default: DEFAULT_API_URL,
    arg: "URL",
    help: "RevCent API base",
    readme: { default: `\`${DEFAULT_API_URL}\``, meaning: "API base URL" },
  },
  {
    key: "apiV1Url",
    flag: "api-v1-url",
    env: "REVCENT_API_V1_URL",
    kind: { type: "url" },
    arg: "URL",
    help: "legacy V1 endpoint, for the v1-legacy toolset (api-url's /v2 -> /v1)",
    readme: {
      default: "`--api-url` with `/v2` → `/v1`",
      meaning: "RevCent's legacy V1 endpoint, for the `v1-legacy` toolset",
    },
  },
  {
    key: "openapiPath",
    flag: "openapi",
    env: "REVCENT_OPENAPI",
    kind: { type: "string" },
    arg: "FILE",
    help: "another OpenAPI document, e.g. RevCent's official one",
    readme: {
      default: "bundled `spec/revcent-v2.openapi.json`",
      meaning: "another OpenAPI document, e.g. RevCent's official `openapi.json`, used unchanged",
    },
  },
  {
    key: "profile",
    flag: "profile",
    env: "REVCENT_PROFILE",
    kind: { type: "choice", values: ["operator", "readonly", "support"] },
    default: "operator",
    arg: "NAME",
    help: "operator | readonly | support",
    readme: {
      default: "`operator`",
      meaning:
        "`operator`: every operation the policy allows; `readonly`: reads only; `support`: public chatbots (see below)",
    },
  },
  {
    key: "toolsets",
    flag: "toolsets",
    env: "REVCENT_TOOLSETS",
    kind: { type: "list" },
    arg: "a,b",
    help: "toolsets to expose, or default, or all (V2; add v1-legacy by name) (default)",
    readme: {
      default: "`default`",
      meaning: "comma-separated toolsets, `default`, or `all` (every V2 toolset; `v1-legacy` only by name)",
    },
  },
  {
    key: "tools",
    flag: "tools",
    env: "REVCENT_TOOLS",
    kind: { type: "list" },
    arg: "a,b",
    help: "only these operations",
    readme: { default: "—", meaning: "only these operations (alone, from any toolset)" },
  },
  {
    key: "denyTools",
    flag: "deny-tools",
    env: "REVCENT_DENY_TOOLS",
    kind: { type: "list" },
    arg: "a,b",
    help: "never these operations",
    readme: { default: "—", meaning: "never these operations" },
  },
  {
    key: "readOnly",
    flag: "read-only",
    env: "REVCENT_READ_ONLY",
    kind: { type: "boolean" },
    help: "only operations that change nothing",
    readme: { default: "`false`", meaning: "only operations that change nothing, on any profile" },
  },
  {
    key: "guardMode",
    flag: "guard",
    env: "REVCENT_GUARD",
    kind: { type: "choice", values: ["verification", "off"] },
    default: (config) => (config.profile === "support" ? "verification" : "off"),
    arg: "MODE",
    help: "verification | off (verification in support, else off)",
    readme: {
      default: "`verification` in `support`, else `off`",
      meaning: "verification on search-then-get, on any profile",
    },
  },
  {
    key: "supportRefunds",
    flag: "support-refunds",
    env: "REVCENT_SUPPORT_REFUNDS",
    kind: { type: "boolean" },
    help: "support profile: a verified visitor may refund their own transactions and product sales, within limits",
    readme: {
      default: "`false`",
      meaning:
        "the `support` profile may refund a verified visitor's own transactions and product sales (`RefundTransaction`, `RefundProductSale`), within limits (without `--limits`: 50 per refund, 100 per customer per 30 days), the visitor confirming",
    },
  },
  {
    key: "confirm",
    flag: "confirm",
    env: "REVCENT_CONFIRM",
    kind: { type: "choice", values: CONFIRM_MODES },
    default: "auto",
    arg: "MODE",
    help: "auto | elicit | token | off: how a person confirms money movement and destructive calls",
    readme: {
      default: "`auto`",
      meaning:
        "how a person confirms a call that moves money or cannot be undone: `elicit` asks through the client (elicitation), `token` returns a summary and a one-time token the same call must repeat, `auto` elicits when the client can and else uses a token, `off` leaves it to the client (see Money movement)",
    },
  },
  {
    key: "limitsPath",
    flag: "limits",
    env: "REVCENT_LIMITS",
    kind: { type: "string" },
    arg: "FILE",
    help: "JSON limits on money movement (per call, 24 h, per customer, calls per hour)",
    readme: {
      default: "—",
      meaning:
        "a JSON file of limits on refunds, voids, sales and destructive calls, checked at start-up (see Money movement)",
    },
  },
  {
    key: "allowCardData",
    flag: "allow-card-data",
    env: "REVCENT_ALLOW_CARD_DATA",
    kind: { type: "boolean" },
    help: "accept card numbers in arguments; PCI-scoped deployments only",
    readme: { default: "`false`", meaning: "accept card numbers and codes as arguments: PCI-scoped deployments only" },
  },
  {
    key: "toolsMode",
    flag: "tools-mode",
    env: "REVCENT_TOOLS_MODE",
    kind: { type: "choice", values: ["static", "dynamic"] },
    default: "static",
    arg: "MODE",
    help: "static | dynamic (3 discovery tools)",
    readme: {
      default: "`static`",
      meaning:
        "`static`: one tool per allowed operation; `dynamic`: three tools (`SearchOperations`, `DescribeOperation`, `CallOperation`) that reach the same operations through the same validation, policy and guard, for clients with small context or tool limits",
    },
  },
  {
    key: "sandbox",
    flag: "sandbox",
    env: "REVCENT_SANDBOX",
    kind: { type: "boolean" },
    help: "start the emulator in-process and use it",
    readme: { default: "`false`", meaning: "start the emulator in-process and use it" },
  },
  {
    key: "requestTimeoutMs",
    flag: "timeout-ms",
    env: "REVCENT_TIMEOUT_MS",
    kind: { type: "count" },
    default: "30000",
    arg: "N",
    help: "upstream deadline per request",
    readme: { default: "`30000`", meaning: "upstream deadline per call" },
  },
  {
    key: "maxAnswerTokens",
    flag: "max-answer-tokens",
    env: "REVCENT_MAX_ANSWER_TOKENS",
    kind: { type: "count" },
    default: String(DEFAULT_MAX_ANSWER_TOKENS),
    arg: "N",
    help: "no tool answer larger than N tokens (lists cut, saying where to continue)",
    readme: {
      default: `\`${DEFAULT_MAX_ANSWER_TOKENS}\``,
      meaning:
        "no tool answer is larger (o200k tokens, estimated on the safe side): a list keeps the items that fit and says how to continue, a record leaves out its largest sections and names them",
    },
  },
  {
    key: "auditLog",
    flag: "audit-log",
    env: "REVCENT_AUDIT_LOG",
    kind: { type: "string" },
    arg: "FILE",
    help: "append an audit line per write and guard decision to FILE",
    readme: {
      default: "—",
      meaning:
        "append one JSON line per write (its intent before the call, its outcome after) and per guard or money decision to this file (created `0600`; its directory must exist); `revcent-mcp audit` reads it",
    },
  },
  {
    key: "transport",
    flag: "transport",
    env: "MCP_TRANSPORT",
    kind: { type: "choice", values: ["stdio", "http"] },
    default: "stdio",
    arg: "NAME",
    help: "stdio | http",
    readme: { default: "`stdio`", meaning: "`stdio` or `http` (streamable HTTP, see below)" },
  },
  {
    key: "port",
    flag: "port",
    env: "PORT",
    kind: { type: "port" },
    default: (config) => (config.command === "sandbox" ? "4010" : "3000"),
    arg: "N",
    help: "listen port (3000 for http, 4010 for sandbox)",
    readme: { default: "`3000` (`4010` for `sandbox`)", meaning: "where HTTP (or `revcent-mcp sandbox`) listens" },
  },
  {
    key: "host",
    flag: "host",
    env: "HOST",
    kind: { type: "string" },
    default: "127.0.0.1",
    arg: "H",
    help: "listen address",
    readme: { default: "`127.0.0.1`", meaning: "the address HTTP (or `revcent-mcp sandbox`) listens on" },
  },
  {
    key: "stateless",
    flag: "stateless",
    env: "MCP_STATELESS",
    kind: { type: "boolean" },
    help: "http without protocol sessions",
    readme: { default: "`false`", meaning: "HTTP without protocol sessions, for scaling out" },
  },
  {
    key: "allowedHosts",
    flag: "allowed-hosts",
    env: "MCP_ALLOWED_HOSTS",
    kind: { type: "list" },
    arg: "a,b",
    help: "Host names http answers to besides loopback",
    readme: { default: "—", meaning: "Host names HTTP answers to besides loopback (DNS-rebinding protection)" },
  },
  {
    key: "allowedOrigins",
    flag: "allowed-origins",
    env: "MCP_ALLOWED_ORIGINS",
    kind: { type: "list" },
    arg: "a,b",
    help: "browser origins allowed besides those hosts",
    readme: { default: "—", meaning: "browser origins allowed besides those hosts" },
  },
  {
    key: "trustProxy",
    flag: "trust-proxy",
    env: "MCP_TRUST_PROXY",
    kind: { type: "boolean" },
    help: "behind a load balancer: a client's address is the first X-Forwarded-For",
    readme: {
      default: "`false`",
      meaning: "behind a load balancer: per-address limits read the client's address from `X-Forwarded-For`",
    },
  },
  {
    key: "maxSessions",
    flag: "max-sessions",
    env: "MCP_MAX_SESSIONS",
    kind: { type: "count" },
    default: "1000",
    arg: "N",
    help: "open http sessions at most",
    readme: { default: "`1000`", meaning: "open HTTP sessions at most (503 above)" },
  },
  {
    key: "rateLimit",
    flag: "rate-limit",
    env: "MCP_RATE_LIMIT",
    kind: { type: "count" },
    default: "20",
    arg: "N",
    help: "requests per second per caller on http, burst 2N",
    readme: { default: "`20`", meaning: "HTTP requests per second per caller, burst twice that (429 + `Retry-After`)" },
  },
  {
    key: "authTokens",
    env: "MCP_AUTH_TOKENS",
    kind: { type: "list" },
    help: "http bearer tokens; the server then uses REVCENT_API_KEY",
    readme: {
      default: "—",
      meaning: "HTTP bearer tokens for bot backends; the server then calls RevCent with `REVCENT_API_KEY`",
    },
  },
  {
    key: "authMode",
    flag: "auth",
    env: "MCP_AUTH",
    kind: { type: "choice", values: ["oauth", "tokens", "keys", "none"] },
    arg: "MODE",
    help: "http callers: oauth | tokens | keys | none (tokens with MCP_AUTH_TOKENS, else keys; none: sandbox only)",
    readme: {
      default: "`tokens` with `MCP_AUTH_TOKENS`, else `keys` (`none` for the loopback sandbox)",
      meaning:
        "how HTTP callers authenticate: `oauth` (sign in through RevCent, see Remote connectors), `tokens` (`MCP_AUTH_TOKENS`), `keys` (each caller's own `x-api-key`), `none` (loopback sandbox only)",
    },
  },
  {
    key: "publicUrl",
    flag: "public-url",
    env: "MCP_PUBLIC_URL",
    kind: { type: "url" },
    arg: "URL",
    help: "where clients reach this server (OAuth issuer; its /mcp is the resource)",
    readme: {
      default: "`http://HOST:PORT` on loopback",
      meaning:
        "the server's public origin for `--auth oauth`: the issuer, and `<it>/mcp` the only resource tokens are for",
    },
  },
  {
    key: "tokenKey",
    env: "MCP_TOKEN_KEY",
    kind: { type: "string" },
    help: "encrypts RevCent's tokens at rest and signs sign-in cookies (oauth); the same on every instance",
    readme: {
      default: "random per process with `--sandbox`",
      meaning:
        "secret (32+ characters) that encrypts RevCent's OAuth tokens at rest (AES-256-GCM) and signs sign-in cookies; the same on every instance",
    },
  },
  {
    key: "revcentOAuthClientId",
    env: "REVCENT_OAUTH_CLIENT_ID",
    kind: { type: "string" },
    help: "the OAuth client created in RevCent's web app (oauth)",
    readme: { default: "sandbox's with `--sandbox`", meaning: "your RevCent OAuth client's id, for `--auth oauth`" },
  },
  {
    key: "revcentOAuthClientSecret",
    env: "REVCENT_OAUTH_CLIENT_SECRET",
    kind: { type: "string" },
    help: "its secret",
    readme: { default: "sandbox's with `--sandbox`", meaning: "that client's secret" },
  },
  {
    key: "revcentOAuthAuthorizeUrl",
    env: "REVCENT_OAUTH_AUTHORIZE_URL",
    kind: { type: "url" },
    default: REVCENT_OAUTH_DEFAULTS.authorizeUrl,
    help: "RevCent's authorization endpoint",
    readme: {
      default: `\`${REVCENT_OAUTH_DEFAULTS.authorizeUrl}\``,
      meaning: "RevCent's OAuth authorization endpoint",
    },
  },
  {
    key: "revcentOAuthTokenUrl",
    env: "REVCENT_OAUTH_TOKEN_URL",
    kind: { type: "url" },
    default: REVCENT_OAUTH_DEFAULTS.tokenUrl,
    help: "RevCent's token endpoint",
    readme: { default: `\`${REVCENT_OAUTH_DEFAULTS.tokenUrl}\``, meaning: "RevCent's OAuth token endpoint" },
  },
  {
    key: "redisUrl",
    env: "REDIS_URL",
    kind: { type: "string" },
    help: "guard state shared by several instances",
    readme: { default: "—", meaning: "guard state shared by several instances (needs `REVCENT_GUARD_SECRET`)" },
  },
  {
    key: "guardSecret",
    env: "REVCENT_GUARD_SECRET",
    kind: { type: "string" },
    help: "the key that signs verification handles, shared by instances",
    readme: {
      default: "a random key per process",
      meaning: "the key that signs verification handles, shared by instances",
    },
  },
  {
    key: "logLevel",
    env: "LOG_LEVEL",
    kind: { type: "choice", values: LOG_LEVELS },
    default: "info",
    help: "pino level; logs go to stderr",
    readme: { default: "`info`", meaning: "pino level; logs go to stderr only" },
  },
];

/** The flags node:util's parseArgs accepts, from the table. */
export function parseArgsOptions(): Record<string, { type: "string" | "boolean"; short?: string }> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const s of SETTINGS) if (s.flag) options[s.flag] = { type: s.kind.type === "boolean" ? "boolean" : "string" };
  return options;
}

function defaultText(setting: Setting): string {
  return typeof setting.default === "string" ? ` (${setting.default})` : "";
}

/** --help's flag lines. */
export function flagHelpLines(): string[] {
  const rows = SETTINGS.filter((s) => s.flag).map((s) => [
    `--${s.flag}${s.arg ? ` ${s.arg}` : ""}`,
    `${s.help} [${s.env}]${defaultText(s)}`,
  ]);
  rows.push(["-h, --help", "this text"]);
  const width = Math.max(...rows.map(([left]) => left!.length)) + 2;
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}${right}`);
}

/** --help's lines for what is set in the environment only. */
export function environmentHelpLines(): string[] {
  return SETTINGS.filter((s) => !s.flag).map((s) => `  ${s.env}: ${s.help}${defaultText(s)}`);
}

/** The README's Configuration table. */
export function configurationTable(): string {
  const cell = (text: string | undefined) => (text ? `\`${text}\`` : "");
  const rows = SETTINGS.map(
    (s) => `| ${s.flag ? cell(`--${s.flag}`) : ""} | ${cell(s.env)} | ${s.readme.default} | ${s.readme.meaning} |`,
  );
  return ["| flag | environment | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
