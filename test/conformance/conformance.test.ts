// The official MCP conformance suite against our streamable HTTP server on the sandbox. It needs
// Node 22, so it runs through npx (node@22 + @modelcontextprotocol/conformance from the npm
// registry), never as a dependency. Scenarios that do not apply are listed in README.md.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_ENTRY } from "../helpers/stdio-client.js";

const SCENARIOS = ["server-initialize", "ping", "tools-list", "tools-call-error", "dns-rebinding-protection"];
const CONFORMANCE_VERSION = "0.1.16";

let server: ChildProcess;
let url = "";

beforeAll(async () => {
  server = spawn(process.execPath, [SERVER_ENTRY, "--sandbox", "--transport", "http", "--port", "0"], { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise<string>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    server.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const m = /serving MCP at (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}, 30_000);
afterAll(() => {
  server?.kill("SIGTERM");
});

function runScenario(scenario: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["-y", "-p", "node@22", "-p", `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`, "conformance", "server", "--url", url, "--scenario", scenario], {
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("official MCP conformance suite (server mode)", () => {
  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, async () => {
      const { code, output } = await runScenario(scenario);
      const summary = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(output);
      expect(summary, output.slice(-2000)).not.toBeNull();
      expect(Number(summary![3]), output.slice(-2000)).toBe(0);
      expect(Number(summary![1])).toBe(Number(summary![2]));
      expect(Number(summary![1])).toBeGreaterThan(0);
      expect(code).toBe(0);
    }, 240_000);
  }
});
