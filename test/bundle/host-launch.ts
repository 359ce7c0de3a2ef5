// How an MCP Bundle host (Claude Desktop) launches the server: the official mcpb library turns the
// manifest's mcp_config and the user's settings into a command, arguments and environment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getMcpConfigForManifest, type McpbManifestAny } from "@anthropic-ai/mcpb/browser";

export type UserConfig = Record<string, string | boolean>;

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export function readManifest(dir: string): McpbManifestAny {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as McpbManifestAny;
}

export async function hostLaunch(bundleDir: string, userConfig: UserConfig): Promise<Launch> {
  const config = await getMcpConfigForManifest({
    manifest: readManifest(bundleDir),
    extensionPath: bundleDir,
    systemDirs: {},
    userConfig,
    pathSeparator: "/",
  });
  if (!config) throw new Error("the host would not start the server: required user_config is missing");
  // Hosts run "node" with the Node.js they ship; the tests use the one running them.
  const command = config.command === "node" ? process.execPath : config.command;
  return { command, args: config.args ?? [], env: config.env ?? {} };
}
