// Copies livekit-client's end-to-end encryption worker into public/, where the room page loads
// it by URL (the Remix classic compiler cannot bundle `new Worker(new URL(...))`).
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const source = join(dirname(require.resolve("livekit-client")), "livekit-client.e2ee.worker.mjs");
mkdirSync(join(root, "public"), { recursive: true });
copyFileSync(source, join(root, "public", "livekit-client.e2ee.worker.mjs"));
