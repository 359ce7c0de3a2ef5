// Entry: config -> spec -> operations -> policy -> client -> McpServer -> transport.
// `revcent-mcp sandbox` runs the emulator alone instead.
import { readFileSync } from "node:fs";
import { buildServer } from "./build-server.js";
import { ConfigError, HELP, HelpRequested, SANDBOX_API_KEY, parseConfig, type Config } from "./config.js";
import { createLogger } from "./log.js";
import { SharedServerParts } from "./server-deps.js";
import { BUNDLED_SPEC, bundledOperations } from "./tools/bundled-operations.js";
import { SpecError, loadOperations } from "./tools/openapi.js";
import { serveStdio } from "./transports/stdio.js";

async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stderr.write(HELP);
      return;
    }
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const logger = createLogger(config.logLevel);

  if (config.command === "sandbox") {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox({ spec: readSpec(config.openapiPath), port: config.port, host: config.host });
    process.stderr.write(`RevCent sandbox listening at ${sandbox.url} (API key: ${SANDBOX_API_KEY})\n`);
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return;
  }

  let operations;
  try {
    // Card fields stay in schemas only for PCI-scoped deployments; the precomputed model strips them.
    const derive = config.openapiPath !== undefined || config.allowCardData;
    operations = derive ? loadOperations(readSpec(config.openapiPath), { keepCardFields: config.allowCardData }) : bundledOperations();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SpecError) return fail(err.message);
    throw err;
  }

  let apiUrl = config.apiUrl;
  let apiKey = config.apiKey ?? "";
  let closeSandbox = async () => {};
  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox({ spec: readSpec(config.openapiPath) });
    apiUrl = sandbox.url;
    apiKey = SANDBOX_API_KEY;
    closeSandbox = () => sandbox.close();
    logger.info({ url: sandbox.url }, "sandbox started");
  }

  let parts;
  try {
    parts = new SharedServerParts(config, operations, apiUrl, logger);
  } catch (err) {
    await closeSandbox();
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const deps = parts.forKey(apiKey);
  const server = buildServer(deps);
  await serveStdio(server, async () => {
    await parts.close();
    await closeSandbox();
    logger.flush();
  });
  logger.info({ tools: deps.catalog.tools.length, profile: config.profile, guard: config.guard, sandbox: config.sandbox }, "serving MCP over stdio");
}

function readSpec(path: string | undefined): unknown {
  const source = path ?? BUNDLED_SPEC;
  try {
    return JSON.parse(readFileSync(source, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read the OpenAPI document ${String(source)}: ${(err as Error).message}`);
  }
}

function fail(message: string): void {
  process.stderr.write(`revcent-mcp: ${message}\n`);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) return fail(err.message);
  process.stderr.write(`revcent-mcp: unexpected error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
