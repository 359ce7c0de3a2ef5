// manifest.json, the MCP Bundle manifest: valid for the official mcpb CLI, in step with
// package.json, and its user settings reach the server's configuration through the environment
// exactly as a bundle host substitutes them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { hostLaunch, readManifest, type UserConfig } from "./host-launch.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const manifest = readManifest(ROOT);
const scratch = mkdtempSync(join(tmpdir(), "revcent-manifest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function mcpbValidate(path: string): { status: number | null; output: string } {
  const run = spawnSync("npx", ["--no", "mcpb", "validate", path], { cwd: ROOT, encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** The server's configuration when a host starts the bundle with these settings. */
async function configFor(userConfig: UserConfig) {
  const { args, env } = await hostLaunch(ROOT, userConfig);
  return parseConfig(args.slice(1), env);
}

describe("manifest.json", () => {
  it("passes `mcpb validate manifest.json`", () => {
    const { status, output } = mcpbValidate("manifest.json");
    expect(output).toContain("Manifest schema validation passes!");
    expect(status, output).toBe(0);
  });

  it("and mcpb validate rejects a manifest without its server section (the check can fail)", () => {
    const broken = join(scratch, "manifest.json");
    writeFileSync(broken, JSON.stringify({ ...manifest, server: undefined }));
    const { status, output } = mcpbValidate(broken);
    expect(status, output).toBe(1);
    expect(output).toMatch(/server/);
  });

  it("carries package.json's version and name, and lets the server list its own tools", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.name).toBe(pkg.name);
    // Tools come from the registry at run time; a hand-kept list here would drift.
    expect(manifest.tools_generated).toBe(true);
    expect(manifest.tools).toBeUndefined();
    expect(manifest.server.type).toBe("node");
    expect(manifest.server.entry_point).toBe("dist/server.js");
  });

  it("passes the API key in the environment only, as a sensitive setting", () => {
    const { args, env } = manifest.server.mcp_config;
    expect(manifest.user_config?.api_key).toMatchObject({ type: "string", sensitive: true });
    expect(env?.REVCENT_API_KEY).toBe("${user_config.api_key}");
    expect(JSON.stringify(args)).not.toContain("user_config");
  });

  it("every user setting reaches the server, and the defaults mean the server's defaults", async () => {
    const referenced = JSON.stringify(manifest.server.mcp_config.env);
    for (const key of Object.keys(manifest.user_config ?? {}))
      expect(referenced, key).toContain(`\${user_config.${key}}`);

    const defaults = await configFor({ sandbox: true });
    const serverDefaults = parseConfig(["--sandbox"], {});
    for (const field of ["profile", "readOnly", "sandbox", "guard", "apiKey"] as const)
      expect(defaults[field], field).toEqual(serverDefaults[field]);
    expect(defaults.toolsets).toEqual(["default"]);
  });

  it("maps key, profile, toolsets and read-only to the server's configuration", async () => {
    const config = await configFor({
      api_key: "rc-test-key",
      profile: "support",
      toolsets: "customers, sales",
      read_only: true,
    });
    expect(config).toMatchObject({
      apiKey: "rc-test-key",
      profile: "support",
      guard: true,
      toolsets: ["customers", "sales"],
      readOnly: true,
      sandbox: false,
    });
  });

  it("without a key and without the sandbox, the server refuses to start and says how to fix it", async () => {
    await expect(configFor({})).rejects.toThrow(ConfigError);
    await expect(configFor({})).rejects.toThrow(/REVCENT_API_KEY.*--sandbox/);
  });

  it("a misspelt profile is a one-line start-up error naming the allowed values", async () => {
    await expect(configFor({ api_key: "k", profile: "admin" })).rejects.toThrow(
      /--profile must be one of operator, readonly, support; got "admin"/,
    );
  });
});
