// Runs once before the suite: a fresh directory for the server logs the leak check reads.
import { rmSync } from "node:fs";
import { LOG_DIR } from "./helpers/stdio-client.js";

export default function setup(): void {
  rmSync(LOG_DIR, { recursive: true, force: true });
}
