// revenue_report: a revenue report written in BigQuery SQL, with the account's table schemas
// embedded in the prompt so the model writes against columns that exist.
import { completable } from "@modelcontextprotocol/server";
import type { McpServer } from "@modelcontextprotocol/server";
import type { GetPromptResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { BIGQUERY_TABLES_URI, type TableSchemas } from "../resources/bigquery.js";
import { numbered, userText, type PromptContext } from "./context.js";

const REVENUE_REPORT = "revenue_report";
const REQUIRES = ["GetBigQueryTables", "BigQueryRunQuery"] as const;
const PERIODS = [
  "last 7 days",
  "last 30 days",
  "this month",
  "last month",
  "this quarter",
  "last quarter",
  "year to date",
  "last 12 months",
];
const GROUPINGS = ["day", "week", "month", "campaign", "product", "gateway"];

const matching = (options: readonly string[]) => (value: string | undefined) =>
  options.filter((o) => o.startsWith((value ?? "").toLowerCase()));
// Immutable schemas, built once; only `table` completes from the session's own tables.
const PERIOD = completable(
  z.string().min(1).max(100).describe("The period: e.g. last 30 days, last month, 2026-01-01 to 2026-03-31."),
  matching(PERIODS),
);
// Optional arguments wrap the completable, not the other way round: the SDK finds the completer on
// the argument's own schema.
const GROUP_BY = completable(
  z.string().max(40).describe("How to break the figures down: day, week, month, campaign, product or gateway."),
  matching(GROUPINGS),
).optional();
const TABLE = z
  .string()
  .max(200)
  .describe("The table to start from, if you know it (default: the transactions table).");

export function registerRevenueReport(server: McpServer, context: PromptContext, tables: TableSchemas): void {
  if (!context.offersAll(REQUIRES)) return;
  server.registerPrompt(
    REVENUE_REPORT,
    {
      title: "Revenue report",
      description:
        "Revenue, refunds and net for a period, grouped as you choose, computed with BigQuery SQL over the account's tables.",
      argsSchema: {
        period: PERIOD,
        group_by: GROUP_BY,
        // completable() marks the schema it is given, so each session completes on a copy of its own.
        table: completable(TABLE.clone(), (value) => tables.complete(value ?? "")).optional(),
      },
    },
    async ({ period, group_by, table }, extra) => {
      const schemas = await tables.all(extra, "prompt").catch(() => undefined);
      const steps = [
        schemas
          ? "The account's BigQuery tables and their schemas are attached. Use only tables and columns they list, with fully qualified, backticked table names."
          : `The table schemas could not be read just now: call GetBigQueryTables (or read ${BIGQUERY_TABLES_URI}) first, and use only the tables and columns it lists, with fully qualified, backticked table names.`,
        `Start from ${table ? `the ${table} table` : "the transactions table (money that moved), joining sales or product sales only where the grouping needs them"}. Count approved payments as revenue and refunded amounts as refunds; leave out declined and voided payments.`,
        `Turn "${period}" into exact start and end dates (UTC) and filter on the creation date column.`,
        `Call BigQueryRunQuery with one bigquery_sql that returns, per ${group_by ?? "day"}: gross revenue, refunds, net revenue, number of orders and average order value. Queries stop after 30 seconds: aggregate in SQL, never select raw rows.`,
        "If the query fails, read the error, fix the SQL and try again, at most twice.",
        "Report a table of the figures, the totals, and anything notable; state the exact dates, tables and columns used so the numbers can be checked.",
      ];
      const messages: GetPromptResult["messages"] = [
        userText([`Write a revenue report for ${period}.`, "", numbered(steps), ...context.howToCall].join("\n")),
      ];
      if (schemas) {
        messages.push({
          role: "user",
          content: {
            type: "resource",
            resource: { uri: BIGQUERY_TABLES_URI, mimeType: "application/json", text: JSON.stringify(schemas) },
          },
        });
      }
      return { description: `Revenue report for ${period}`, messages };
    },
  );
}
