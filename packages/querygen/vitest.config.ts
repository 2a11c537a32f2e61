import { defineConfig } from "vitest/config";

export default defineConfig({
  // The ONNX tests decode dozens of sequences; on a busy 2-core CI machine one can take several seconds.
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
