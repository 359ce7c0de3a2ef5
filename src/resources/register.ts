// Every resource a session offers, wired into its McpServer: the API guide, a page per listed
// operation and toolset, BigQuery table schemas, and the entity templates. Each follows the
// session's policy — what the session cannot call, it is not offered to read.
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/server";
import { ProtocolError } from "@modelcontextprotocol/server";
import { RESOURCE_NOT_FOUND, type SessionOperations } from "../tools/session-operations.js";
import type { ToolCatalog } from "../tools/catalog.js";
import { summaryOf } from "../operations/operation.js";
import { BIGQUERY_TABLE_TEMPLATE, BIGQUERY_TABLES_URI, type TableSchemas } from "./bigquery.js";
import { jsonContents, markdownContents, variableOf } from "./contents.js";
import { registerEntityTemplates } from "./entities.js";
import { GUIDE_URI, apiGuide } from "./guide.js";
import {
  OPERATION_URI_PREFIX,
  TOOLSET_URI_PREFIX,
  operationPage,
  operationUri,
  toolsetPage,
  toolsetUri,
} from "./operation-pages.js";

const startsWith = (prefix: string) => (name: string) => name.toLowerCase().startsWith(prefix.toLowerCase());

export function registerResources(
  server: McpServer,
  catalog: ToolCatalog,
  operations: SessionOperations,
  tables: TableSchemas,
): void {
  // Everything listed is read off the shared catalog when asked: a session holds no copy of it.
  const offered: { uri: string; about: string }[] = [];

  server.registerResource(
    "operation",
    new ResourceTemplate(`${OPERATION_URI_PREFIX}{operationId}`, {
      list: () => ({
        resources: catalog.operations().map((op) => ({
          uri: operationUri(op.id),
          name: op.id,
          title: op.title,
          description: summaryOf(op),
          mimeType: "text/markdown",
        })),
      }),
      complete: {
        operationId: (value) =>
          catalog
            .operations()
            .map((op) => op.id)
            .filter(startsWith(value)),
      },
    }),
    {
      title: "RevCent operation",
      description: "One operation's reference: what it does, its HTTP path, arguments and limits.",
      mimeType: "text/markdown",
    },
    (uri, variables) => {
      const op = catalog.get(variableOf(variables, "operationId"));
      if (!op)
        throw new ProtocolError(
          RESOURCE_NOT_FOUND,
          `No operation named ${variableOf(variables, "operationId")} is available in this session.`,
        );
      return markdownContents(uri, operationPage(op));
    },
  );
  offered.push({ uri: `${OPERATION_URI_PREFIX}{operationId}`, about: "one page per operation of this session" });

  server.registerResource(
    "toolset",
    new ResourceTemplate(`${TOOLSET_URI_PREFIX}{toolset}`, {
      list: () => ({
        resources: catalog.toolsets.map((t) => ({
          uri: toolsetUri(t),
          name: t,
          title: `Toolset ${t}`,
          mimeType: "text/markdown",
        })),
      }),
      complete: { toolset: (value) => catalog.toolsets.filter(startsWith(value)) },
    }),
    {
      title: "RevCent toolset",
      description: "The operations of one toolset (an API section), one line each.",
      mimeType: "text/markdown",
    },
    (uri, variables) => {
      const toolset = variableOf(variables, "toolset");
      const members = catalog.operations().filter((op) => op.toolset === toolset);
      if (!members.length)
        throw new ProtocolError(
          RESOURCE_NOT_FOUND,
          `No toolset named ${toolset} in this session; there are: ${catalog.toolsets.join(", ")}.`,
        );
      return markdownContents(uri, toolsetPage(toolset, members));
    },
  );
  offered.push({ uri: `${TOOLSET_URI_PREFIX}{toolset}`, about: "the operations of one toolset" });

  if (tables.listable) {
    server.registerResource(
      "bigquery-tables",
      BIGQUERY_TABLES_URI,
      {
        title: "BigQuery tables",
        description: "Every BigQuery table with its schema, for writing BigQueryRunQuery SQL.",
        mimeType: "application/json",
      },
      async (uri, extra) => jsonContents(uri, await tables.all(extra)),
    );
    offered.push({ uri: BIGQUERY_TABLES_URI, about: "every BigQuery table with its schema" });
  }
  if (tables.readable) {
    server.registerResource(
      "bigquery-table",
      new ResourceTemplate(BIGQUERY_TABLE_TEMPLATE, {
        list: undefined,
        complete: { table_name: (value) => tables.complete(value) },
      }),
      {
        title: "BigQuery table",
        description: "One BigQuery table's schema, by table name.",
        mimeType: "application/json",
      },
      async (uri, variables, extra) => jsonContents(uri, await tables.one(variableOf(variables, "table_name"), extra)),
    );
    offered.push({ uri: BIGQUERY_TABLE_TEMPLATE, about: "one BigQuery table's schema" });
  }

  for (const template of registerEntityTemplates(server, catalog, operations))
    offered.push({ uri: template, about: "one record, read with the same checks as its Get tool" });

  server.registerResource(
    "guide",
    GUIDE_URI,
    {
      title: "RevCent API guide",
      description:
        "Authentication, errors and body codes, pagination, filters, idempotency and date ranges, and what this session offers.",
      mimeType: "text/markdown",
    },
    (uri) => markdownContents(uri, apiGuide({ operations: catalog.operations(), resources: offered })),
  );
}
