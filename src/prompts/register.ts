// Every prompt a session offers. A prompt is offered only where the session has every tool its
// flow needs, and names only tools the session has.
import type { McpServer } from "@modelcontextprotocol/server";
import type { TableSchemas } from "../resources/bigquery.js";
import type { ToolCatalog } from "../tools/catalog.js";
import { registerChargebackEvidence } from "./chargeback-evidence.js";
import { PromptContext } from "./context.js";
import { registerRevenueReport } from "./revenue-report.js";
import { registerVerifyAndHelp } from "./verify-and-help.js";

export function registerPrompts(server: McpServer, catalog: ToolCatalog, tables: TableSchemas): void {
  const context = new PromptContext(catalog);
  registerVerifyAndHelp(server, context);
  registerChargebackEvidence(server, context);
  registerRevenueReport(server, context, tables);
}
