// revcent://guide: how the RevCent V2 API behaves and how this server adds to it, for an agent to
// read once. The prose is ours; the parts that vary — error codes, the session's toolsets, which
// lists allow shorter date ranges, which resources exist — are generated.
import { ERROR_CODES } from "../errors.js";
import type { Operation } from "../operations/operation.js";
import { toolsetUri } from "./operation-pages.js";

export const GUIDE_URI = "revcent://guide";

export interface GuideContext {
  operations: readonly Operation[];
  /** URIs and URI templates of the other resources this session offers, with a line each. */
  resources: { uri: string; about: string }[];
}

const AUTH = `## Authentication

RevCent authenticates every request with an API key sent as the \`x-api-key\` header. This server
holds the key (or, over HTTP, the key your client presented) and adds it to each call; a key never
appears in arguments, results, errors or logs. Create a dedicated API account per integration and
give it only the permissions it needs; test keys see test items and use gateways' test endpoints,
live keys the live ones.`;

const STATUSES = `## Errors

RevCent answers with an HTTP status and, in the body, its own \`code\`:

| HTTP | body code | meaning |
|---|---|---|
| 200 | 1 | success |
| 400 | 0 | the request is wrong; \`message\` says why, \`error_code\` (e.g. E0037) identifies it |
| 401 | | key missing, invalid or disabled |
| 402 | 2 | payment declined by the gateway |
| 402 | 3 | gateway error |
| 402 | 4 | gateway hold |
| 402 | 5 | fraud detected (Sentinel or a third party); tell a shopper only that payment was declined |
| 404 | 0 | no such item |
| 405 | | method not allowed (only GET and POST exist) |
| 500 | | error inside RevCent |

A failed tool call is a result with \`isError: true\` whose text starts with one of these stable
codes in brackets, e.g. \`[payment_declined] …\`:`;

const LISTS = `## Lists, pages and date ranges

Lists (\`Get<Plural>\`) take \`date_start\` and \`date_end\` (unix seconds), \`limit\` (1-25) and \`page\`
(from 1), and answer with \`results\`, \`current_page\`, \`total_pages\`, \`current_count\` and
\`total_count\`: ask for the next page with the same dates and limit. This server also accepts
\`all_pages: true\` (follows every page, up to \`max_items\`, default 100, with progress
notifications) on any list. Each list has a longest date range it allows, 90 days unless listed
below; a longer range is split into windows the list allows and the answers merged. Such answers
carry \`pages_fetched\` and \`truncated\`: \`truncated: true\` means items were left out (later
pages not followed without \`all_pages\`, or \`max_items\` reached).`;

const FILTERS = `## Filters

- Repeat a filter to match any of several values (\`campaign_filter\` twice = either campaign).
- \`metadata_filter\`: one or more \`{name, value}\` pairs an item's metadata must carry.
- \`customer_id\`: only items of that one customer (a single value).
- Searches (\`Search<Plural>\`) take \`search_term\` (name, email, phone, ids, card first 6 / last 4)
  and return ids; read the details with the matching \`Get<Singular>\`. Where customers must be
  verified (the guard), customer searches take only a whole email, a whole phone number, a name or
  an id, at most 10 per conversation.
- \`fields\` (this server, read tools): shorten an answer with the documents' filter grammar —
  \`name\` keeps a field, \`-name\` drops it, \`results.amount\` keeps one field of each item,
  \`results.status=settled\` keeps matching items.`;

const IDEMPOTENCY = `## Idempotency and retries

RevCent rejects a POST whose \`idempotency_key\` it saw in the last 24 hours. This server gives
every POST a fresh key per tool call and reuses it on that call's retries, so a retried write can
never run twice; reads are retried on 429 and 5xx, writes never blindly. When RevCent reports the
key as a duplicate (\`duplicate_request\`), an earlier attempt reached it: read the item back before
repeating the change. Do not retry a declined payment hoping for a different answer.`;

const SECRETS = `## Secrets and card data

Credential fields (gateway, shop, SMTP, integration passwords and keys) and card numbers are not
tool arguments, and results show card numbers as first 6 + last 4 at most.`;
const SECURE_FORMS =
  "Create a secure form with `CreateSecureForm`, give its `form_url` to the human, and pass the `secure_form_id` instead.";

export function apiGuide(context: GuideContext): string {
  const codes = Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
  const shortRanges = [
    ...new Set(context.operations.map((op) => op.maxRangeDays).filter((d): d is number => d !== undefined && d < 90)),
  ]
    .sort((a, b) => a - b)
    .map(
      (days) =>
        `- ${days} days: ${context.operations
          .filter((op) => op.maxRangeDays === days)
          .map((op) => `\`${op.id}\``)
          .join(", ")}`,
    );
  const toolsets = [...new Set(context.operations.map((op) => op.toolset))].sort();
  return (
    [
      "# RevCent V2 API: a guide for agents",
      "",
      "Every tool is one RevCent operation, named by its operationId (`GetCustomer`, `SearchSales`, `BigQueryRunQuery`); descriptions refer to other operations by those names.",
      "",
      AUTH,
      "",
      STATUSES,
      "",
      "| code | meaning |",
      "|---|---|",
      ...codes,
      "",
      LISTS,
      ...(shortRanges.length ? ["", ...shortRanges] : []),
      "",
      FILTERS,
      "",
      IDEMPOTENCY,
      "",
      SECRETS,
      ...(context.operations.some((op) => op.id === "CreateSecureForm") ? [SECURE_FORMS] : []),
      "",
      "## This session",
      "",
      `Toolsets: ${toolsets.map((t) => `[${t}](${toolsetUri(t)})`).join(", ")}.`,
      "",
      ...context.resources.map((r) => `- \`${r.uri}\`: ${r.about}`),
    ].join("\n") + "\n"
  );
}
