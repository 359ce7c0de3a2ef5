// The offset file the test clock shims read on every Date.now() in a server process. Written to a
// sibling file and renamed over it: rename is atomic, so the server reads the old offset or the new
// one. (writeFileSync truncates first: a Date.now() in that instant would read "" and jump back to
// real time.)
import { renameSync, writeFileSync } from "node:fs";

export function writeOffset(file: string, offset: number): void {
  writeFileSync(`${file}.next`, String(offset));
  renameSync(`${file}.next`, file);
}
