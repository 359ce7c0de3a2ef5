// Logs go to stderr only (stdout carries JSON-RPC in stdio mode), with secrets redacted by path.
import { pino, type Logger } from "pino";

/** Paths pino blanks wherever they appear in a log object. */
const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "api_key",
  "*.api_key",
  "headers['x-api-key']",
  "*.headers['x-api-key']",
  "headers.authorization",
  "*.headers.authorization",
  "authorization",
  "password",
  "*.password",
  "card_number",
  "*.card_number",
  "card_code",
  "*.card_code",
  "args",
  "*.args",
  "arguments",
  "*.arguments",
];

export function createLogger(level: string, destination: NodeJS.WritableStream | number = 2): Logger {
  const stream = typeof destination === "number" ? pino.destination({ fd: destination, sync: false }) : destination;
  return pino({ level, base: { name: "revcent-mcp" }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, stream);
}
