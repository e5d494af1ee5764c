import { existsSync } from "node:fs";
import path from "node:path";
import { CHROMIUM_PATH } from "../helpers/browser.ts";

/** End-to-end tests need the production build and a real Chromium; say so loudly if either is missing. */
export default function setup() {
  if (!existsSync(path.resolve("build/index.js")))
    throw new Error("No Remix build: run `npm run build` first (`npm test` does).");
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
}
