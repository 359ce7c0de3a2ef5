// The official MCP conformance suite against our streamable HTTP server on the sandbox (started
// in-process from `--sandbox --transport http`, on a loopback port). The suite needs Node 22, so it
// runs through npx (node@22 + @modelcontextprotocol/conformance from the npm registry), never as a
// dependency. Scenarios that do not apply are listed in README.md. The scenarios are separate
// processes that share nothing: they all start at once, and each test awaits its own.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";

const SCENARIOS = ["server-initialize", "ping", "tools-list", "tools-call-error", "dns-rebinding-protection"];
const CONFORMANCE_VERSION = "0.1.16";

let server: InProcessHttpServer;
const runs = new Map<string, Promise<{ code: number | null; output: string }>>();

beforeAll(async () => {
  server = await startHttpInProcess(["--sandbox"], { LOG_LEVEL: "warn" });
  for (const scenario of SCENARIOS) runs.set(scenario, runScenario(server.url, scenario));
}, 30_000);
afterAll(async () => {
  await Promise.allSettled(runs.values());
  await server?.close();
});

function runScenario(url: string, scenario: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      "npx",
      [
        "-y",
        "-p",
        "node@22",
        "-p",
        `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`,
        "conformance",
        "server",
        "--url",
        url,
        "--scenario",
        scenario,
      ],
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
});
