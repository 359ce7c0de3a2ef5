// A real browser for tests: Debian's Chromium (the `chromium` package, which .ci/run installs)
// driven by playwright-core, headless. No browser is downloaded; CHROMIUM_PATH overrides where it
// is. Its own sandbox is off, as it cannot start inside a container running as root.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    args: ["--disable-gpu", "--disable-dev-shm-usage"],
  });
}
