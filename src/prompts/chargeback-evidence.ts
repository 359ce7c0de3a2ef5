// chargeback_evidence: RevCent's chargeback guide (002) as one flow — find the charged-back
// transaction, record the chargeback, build the sale document narrowed with the documents' filter
// grammar, and summarize the evidence for representment.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { numbered, userText, type PromptContext } from "./context.js";

const CHARGEBACK_EVIDENCE = "chargeback_evidence";
const REQUIRES = ["SearchTransactions", "GetTransaction", "CreateChargeback", "CreateChargebackDocument"] as const;
/** RevCent ids are 20 letters and digits; anything else is taken as the gateway's transaction id. */
const REVCENT_ID = /^[A-Za-z0-9]{20}$/;
// Schemas are immutable: built once, shared by every session's registration.
const ARGS = {
  transaction: z
    .string()
    .min(1)
    .max(100)
    .describe("The charged-back payment: its RevCent transaction ID or the gateway's transaction ID."),
  amount: z.string().max(20).optional().describe("The disputed amount, if it differs from the transaction's."),
  reason_code: z.string().max(20).optional().describe("The card network's reason code."),
  case_number: z.string().max(100).optional().describe("The processor's case number."),
  chargeback_date: z
    .string()
    .max(40)
    .optional()
    .describe("When the chargeback was issued: a date or an ISO 8601 date-time."),
};

export function registerChargebackEvidence(server: McpServer, context: PromptContext): void {
  if (!context.offersAll(REQUIRES)) return;
  server.registerPrompt(
    CHARGEBACK_EVIDENCE,
    {
      title: "Chargeback evidence",
      description:
        "Record a chargeback against a transaction and assemble the evidence to fight it: the sale document, filtered, and a summary.",
      argsSchema: ARGS,
    },
    ({ transaction, amount, reason_code, case_number, chargeback_date }) => {
      const revcentId = REVCENT_ID.test(transaction);
      const known = [
        amount && `amount ${amount}`,
        reason_code && `reason_code ${reason_code}`,
        case_number && `case_number ${case_number}`,
        chargeback_date && `chargeback_date ${chargeback_date}`,
      ].filter(Boolean);
      const steps = [
        revcentId
          ? `Find the transaction: GetTransaction with transaction_id "${transaction}".`
          : `Find the transaction: SearchTransactions with search_term "${transaction}" (it matches gateway transaction IDs), then GetTransaction on the match. If none or several match, stop and say so.`,
        "Check it: approved, its amount and date, the customer, the gateway and its gateway_transaction_id. A declined or already-refunded payment changes the case — report that before going on.",
        ...context.step(
          ["SearchChargebacks"],
          "Make sure it is not recorded already: SearchChargebacks with the gateway transaction ID.",
        ),
        `Record it with CreateChargeback: transaction_id (or gateway_transaction_id), ${known.length ? `${known.join(", ")}, ` : ""}amount, reason_code, case_number, chargeback_date and received_date (ISO 8601 date-times, e.g. 2026-11-01T00:00:00Z), arn if known. Leave void_transaction false unless told otherwise. This writes: confirm the values with the user first.`,
        'Build the evidence with CreateChargebackDocument: document_type "sale", item_type "transaction", item_value the gateway transaction ID (or the RevCent ID), and filters.document_field_filter ["-api_call", "transactions.gateway_transaction_id=<that gateway transaction ID>"] — the raw API call is noise, and the sale\'s other payments are not in dispute.',
        "Summarize the evidence from document_json: who the customer is and how to reach them; billing versus shipping address; AVS and CVV results of the payment; IP address and device (tracking_visitor); what was bought, at what price; carrier, tracking number and whether it was delivered; refunds already made; notes and earlier contact; fraud detections. Say what is strong, what is missing, and give the zip_url of the .docx for the response to the processor.",
        ...context.step(
          ["EditChargeback"],
          "When representment starts, EditChargeback with representment.initiated true and initiated_date; when it ends, representment.completed true, completed_date and outcome (won or lost).",
        ),
      ];
      const text = [
        `Build the chargeback case for transaction "${transaction}".`,
        "",
        numbered(steps),
        ...context.howToCall,
      ].join("\n");
      return { description: `Chargeback evidence for ${transaction}`, messages: [userText(text)] };
    },
  );
}
