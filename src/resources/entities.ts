// Entity templates (revcent://customers/{customer_id}, sales, transactions, subscriptions): a read
// of one record, through exactly the path its Get tool takes. A template exists only where the
// session lists that Get operation, and its URI is the operation's own path, so the two agree.
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/server";
import type { SessionOperations } from "../tools/session-operations.js";
import type { ToolCatalog } from "../tools/catalog.js";
import { jsonContents, variableOf } from "./contents.js";

/** The records an agent most often needs whole; every other record stays a tool call. */
const ENTITY_READS = ["GetCustomer", "GetSale", "GetTransaction", "GetSubscription"] as const;

/** `/customers/{customer_id}` -> `revcent://customers/{customer_id}` */
const entityUriTemplate = (path: string) => `revcent:/${path}`;

export function registerEntityTemplates(
  server: McpServer,
  catalog: ToolCatalog,
  operations: SessionOperations,
): string[] {
  const registered: string[] = [];
  for (const id of ENTITY_READS) {
    const op = catalog.get(id);
    const pathParams = op?.parameters.filter((p) => p.in === "path") ?? [];
    if (!op || pathParams.length !== 1) continue;
    const param = pathParams[0]!.name;
    const uriTemplate = entityUriTemplate(op.path);
    server.registerResource(
      op.id,
      new ResourceTemplate(uriTemplate, { list: undefined }),
      {
        title: op.title,
        description: `The record ${op.id} returns, read with the same checks as the tool.`,
        mimeType: "application/json",
      },
      async (uri, variables, extra) =>
        jsonContents(uri, await operations.read("resource", op.id, { [param]: variableOf(variables, param) }, extra)),
    );
    registered.push(uriTemplate);
  }
  return registered;
}
