// The packed MCP Bundle on its own: packed by scripts/pack.mjs (what `npm run pack` runs after the
// build), unpacked by the official mcpb CLI into an empty directory outside the repository, and
// started the way a bundle host starts it — no node_modules, no repository files, only PATH
// inherited.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOOLSETS } from "../../src/operations/policy.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { loadOperations } from "../../src/operations/openapi.js";
import { startStdioServer, type StartedClient } from "../helpers/stdio-client.js";
import { hostLaunch, type UserConfig } from "./host-launch.js";
import { answerOf } from "../helpers/answer.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const operations = loadOperations(JSON.parse(readFileSync(join(ROOT, "spec/revcent-v2.openapi.json"), "utf8")));
const scratch = mkdtempSync(join(tmpdir(), "revcent-bundle-"));
const bundleFile = join(scratch, "revcent-mcp.mcpb");
const bundleDir = join(scratch, "unpacked");

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stdout}${result.stderr}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function startBundle(userConfig: UserConfig): Promise<StartedClient> {
  return startStdioServer({ ...(await hostLaunch(bundleDir, userConfig)), cwd: bundleDir });
}

beforeAll(() => {
  run(process.execPath, [join(ROOT, "scripts/pack.mjs"), "--out", bundleFile], ROOT);
  run("npx", ["--no", "mcpb", "unpack", bundleFile, bundleDir], ROOT);
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the packed .mcpb bundle", () => {
  it("runs where no node_modules can be found (the precondition of the tests below)", () => {
    for (let dir = bundleDir; dir !== dirname(dir); dir = dirname(dir))
      expect(existsSync(join(dir, "node_modules")), dir).toBe(false);
  });

  it("holds only what the server reads at run time: no node_modules, sources, tests or source maps", () => {
    const files = filesUnder(bundleDir);
    const built = readdirSync(join(ROOT, "dist"))
      .filter((f) => f.endsWith(".js") || f === "operations.json")
      .map((f) => `dist/${f}`);
    expect(files).toEqual([...built, "manifest.json", "package.json", "spec/revcent-v2.openapi.json"].sort());
    const pkg = JSON.parse(readFileSync(join(bundleDir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "revcent-mcp", type: "module" });
    expect(pkg.dependencies).toBeUndefined();
  });

  it("started by the host with the sandbox on, lists the default toolsets' tools and calls one", async () => {
    const server = await startBundle({ sandbox: true });
    try {
      const defaults = new Set<string>(DEFAULT_TOOLSETS);
      const expected = operations.filter((o) => defaults.has(o.toolset)).map((o) => o.id);
      const { tools } = await server.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(expected.sort());
      const jane = (await server.client.callTool({
        name: "GetCustomer",
        arguments: { customer_id: SEED_IDS.customer },
      })) as CallToolResult;
      expect(jane.isError, JSON.stringify(jane.content)).toBeFalsy();
      expect(answerOf(jane)).toMatchObject({ id: SEED_IDS.customer, first_name: "Jane" });
    } finally {
      await server.close();
    }
  });

  it("started by hand as `node dist/server.js --sandbox --toolsets all`, lists every operation", async () => {
    const server = await startStdioServer({
      command: process.execPath,
      args: [join(bundleDir, "dist/server.js"), "--sandbox", "--toolsets", "all"],
      cwd: bundleDir,
    });
    try {
      const { tools } = await server.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(operations.map((o) => o.id).sort());
    } finally {
      await server.close();
    }
  });

  it("honours the toolsets and read-only settings", async () => {
    const server = await startBundle({ sandbox: true, toolsets: "all", read_only: true });
    try {
      const { tools } = await server.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(
        operations
          .filter((o) => o.readOnly)
          .map((o) => o.id)
          .sort(),
      );
    } finally {
      await server.close();
    }
  });
});
