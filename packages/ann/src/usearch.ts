// usearch, loaded through its CommonJS entry rather than `import … from "usearch"` (its ES module entry).
//
// usearch 2.26.2's ES module entry finds its own directory with `try { if (__dirname) return __dirname } catch
// {}` and only falls back to a stack-trace lookup when that throws. In an ES module `__dirname` is no binding,
// so the name resolves to the global object — and Node's CommonJS eval (`node -e`, `node -p`, a script piped to
// `node` on stdin) sets `globalThis.__dirname = "."`. usearch then looks for `build/` or `prebuilds/` in ".",
// "..", "../..", … relative to the working directory; the relative path never equals "/", so the search
// recurses until the stack overflows or, on some runs, spins without end (or, under a directory with a
// `build/` folder, picks that folder). Its
// CommonJS entry reads the module's own `__dirname`, which is always its real directory, so it loads from any
// caller: eval code, the REPL, a module file, or `require("@xqg/ann")`.
import { createRequire } from "node:module";

type Usearch = typeof import("usearch", { with: { "resolution-mode": "require" }});

const usearch = createRequire(import.meta.url)("usearch") as Usearch;

export const { Index, exactSearch } = usearch;
export type Index = InstanceType<Usearch["Index"]>;
export type BatchMatches = InstanceType<Usearch["BatchMatches"]>;
export type Matches = InstanceType<Usearch["Matches"]>;
