// The official MCP conformance suite against our streamable HTTP server on the sandbox (started
// in-process from `--sandbox --transport http`, on a loopback port). The suite needs Node 22, so it
// runs through npx (node@22 + @modelcontextprotocol/conformance from the npm registry), never as a
// dependency. Scenarios that do not apply are listed in README.md. The scenarios are separate
// processes that share nothing: they all start at once, and each test awaits its own.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";

const SCENARIOS = ["server-initialize", "ping", "tools-list", "tools-call-error", "dns-rebinding-protection"];
const CONFORMANCE_VERSION = "0.1.16";
/** The suite's next line, which holds the 2026-07-28 requirement set. */
const CONFORMANCE_2026_VERSION = "0.2.0-alpha.12";
const BASELINE_2026 = fileURLToPath(new URL("./baseline-2026-07-28.yml", import.meta.url));

let server: InProcessHttpServer;
const runs = new Map<string, Promise<{ code: number | null; output: string }>>();
let requirements2026: Promise<{ code: number | null; output: string }>;

beforeAll(async () => {
  // The suite sends hundreds of requests from one caller within seconds; the per-caller rate
  // limit (tested in test/http/limits.test.ts) would answer some of them 429.
  server = await startHttpInProcess(["--sandbox", "--rate-limit", "100000"], { LOG_LEVEL: "warn" });
  for (const scenario of SCENARIOS) {
    runs.set(scenario, runSuite(CONFORMANCE_VERSION, ["--url", server.url, "--scenario", scenario]));
  }
  requirements2026 = runSuite(CONFORMANCE_2026_VERSION, [
    "--url",
    server.url,
    "--requirements",
    "2026-07-28",
    "--expected-failures",
    BASELINE_2026,
  ]);
}, 30_000);
afterAll(async () => {
  await Promise.allSettled([...runs.values(), requirements2026]);
  await server?.close();
});

function runSuite(version: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      "npx",
      ["-y", "-p", "node@22", "-p", `@modelcontextprotocol/conformance@${version}`, "conformance", "server", ...args],
      {
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("official MCP conformance suite (server mode)", () => {
  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, async () => {
      const { code, output } = await runs.get(scenario)!;
      const summary = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(output);
      expect(summary, output.slice(-2000)).not.toBeNull();
      expect(Number(summary![3]), output.slice(-2000)).toBe(0);
      expect(Number(summary![1])).toBe(Number(summary![2]));
      expect(Number(summary![1])).toBeGreaterThan(0);
      expect(code).toBe(0);
    }, 240_000);
  }

  it("passes every check of the 2026-07-28 requirement set that applies to an API server", async () => {
    // The baseline lists the checks that call the suite's own fixtures (test_* tools, prompts and
    // resources); the run fails on any other failure, and on a listed check that passes.
    const { code, output } = await requirements2026;
    const total = /Total: (\d+) passed, (\d+) failed/.exec(output);
    expect(total, output.slice(-3000)).not.toBeNull();
    expect(Number(total![1])).toBeGreaterThan(100);
    expect(output, output.slice(-3000)).not.toMatch(/Unexpected failures/);
    expect(code, output.slice(-3000)).toBe(0);
  }, 240_000);
});
