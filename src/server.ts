// Entry: parse the configuration, start the runtime (operations, sandbox, guard state, shared
// parts), then serve it over stdio or HTTP. `revcent-mcp sandbox` runs the emulator alone instead;
// `revcent-mcp spec diff` compares specs; `revcent-mcp audit` prints the audit trail.
import { HELP, HelpRequested, SANDBOX_API_KEY, parseConfig, type Config } from "./config.js";
import { ConfigError } from "./errors.js";
import { createLogger } from "./log.js";
import { SpecError } from "./operations/openapi.js";
import { httpOptionsFor, readSpec, startRuntime, type Runtime } from "./runtime.js";
import { serveStdio } from "./transports/stdio.js";

async function main(): Promise<void> {
  if (process.argv[2] === "spec") {
    const { runSpecCommand } = await import("./spec/command.js");
    process.exitCode = runSpecCommand(process.argv.slice(3), process.env, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    return;
  }
  if (process.argv[2] === "audit") {
    const { runAuditCommand } = await import("./audit/command.js");
    // `revcent-mcp audit | head` closes the pipe early: that ends the listing, it is not a failure.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(0);
      throw err;
    });
    process.exitCode = await runAuditCommand(process.argv.slice(3), process.env, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    return;
  }
  let config: Config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stderr.write(HELP);
      return;
    }
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

  const runtime = await startRuntime(config, logger);
  const shutdown = async () => {
    await runtime.close();
    logger.flush();
  };
  if (config.transport === "http") return serveOverHttp(config, runtime, shutdown);

  serveStdio(runtime.stdioServer, shutdown, (error) =>
    logger.warn({ err: { message: error.message } }, "stdio transport error"),
  );
  logger.info(
    {
      tools: runtime.parts.catalog.tools.length,
      profile: config.profile,
      guard: config.guard,
      sandbox: config.sandbox,
    },
    "serving MCP over stdio",
  );
}

async function serveOverHttp(config: Config, runtime: Runtime, shutdown: () => Promise<void>): Promise<void> {
  const { serveHttp } = await import("./transports/http/server.js");
  let options;
  try {
    options = await httpOptionsFor(config, runtime);
  } catch (err) {
    await shutdown();
    throw err;
  }
  const auth = options.auth;
  const logger = runtime.parts.logger;
  const running = await serveHttp(runtime.serverFor, logger, options);
  const header =
    auth.mode === "byok"
      ? ' --header "x-api-key: <your RevCent API key>"'
      : auth.mode === "tokens"
        ? ' --header "Authorization: Bearer <token>"'
        : "";
  process.stderr.write(`revcent-mcp serving MCP at ${running.url}${config.sandbox ? " (sandbox)" : ""}
Connect Claude Code: claude mcp add --transport http revcent ${running.url}${header}
`);
  logger.info(
    {
      url: running.url,
      auth: auth.mode,
      stateless: config.stateless,
      tools: runtime.parts.catalog.tools.length,
      profile: config.profile,
    },
    "serving MCP over streamable HTTP",
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    await shutdown();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

function fail(message: string): void {
  process.stderr.write(`revcent-mcp: ${message}\n`);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof SpecError) return fail(err.message);
  process.stderr.write(`revcent-mcp: unexpected error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
