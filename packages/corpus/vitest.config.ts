import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The README example imports the package by name; in tests that name means this package's source,
    // so tests never depend on a stale dist/.
    alias: { "@xqg/corpus": fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
  },
});
