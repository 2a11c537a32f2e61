// Runs onnxruntime-node's own install script in an installed xqg tree, so that it downloads ONNX Runtime's CUDA
// provider, then checks that the provider's files are there. The GPU image runs it (Dockerfile, stage build-cuda):
// pnpm never runs that script, since the root package.json lists onnxruntime-node in ignoredBuiltDependencies to
// keep CPU and development installs offline.
//
//   ONNXRUNTIME_NODE_INSTALL=cuda12 node apps/runner/deploy/onnxruntime-cuda.mjs /opt/xqg
//
// The install script reads ONNXRUNTIME_NODE_INSTALL (or the older ONNXRUNTIME_NODE_INSTALL_CUDA); "skip" or neither
// set is refused here, since nothing would be downloaded. It downloads Microsoft.ML.OnnxRuntime.Gpu.Linux from
// api.nuget.org (the onnxruntime-node version's own), so it needs that host. Exit 1 with one line on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package directory of `name` as the package at `from` (a directory) loads it. */
function packageDir(from, name) {
  return dirname(createRequire(join(from, "package.json")).resolve(`${name}/package.json`));
}

/**
 * The onnxruntime-node package directory that @xqg/models loads, found from the tree at `root` (the image's
 * deployed tree, or the xqg package) along the packages that load it: xqg → @xqg/pipeline → @xqg/models.
 */
export function findOnnxruntime(root) {
  let from = resolve(root);
  for (const name of ["xqg", "@xqg/pipeline", "@xqg/models"]) {
    if (readJson(join(from, "package.json")).name !== name) from = packageDir(from, name);
  }
  const models = from;
  let dir = dirname(createRequire(join(models, "package.json")).resolve("onnxruntime-node"));
  while (
    !existsSync(join(dir, "package.json")) ||
    readJson(join(dir, "package.json")).name !== "onnxruntime-node"
  ) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no onnxruntime-node package above ${models}`);
    dir = up;
  }
  return dir;
}

/** The CUDA provider's files the install script puts into `dir` on this platform (its install-metadata.js). */
export function cudaFiles(dir, os = `${platform()}/${arch()}`) {
  const metadata = createRequire(join(dir, "package.json"))("./script/install-metadata.js");
  const manifest = metadata.manifests[`${os}:cuda12`];
  if (!manifest) return [];
  return Object.keys(manifest).map((file) => join(dir, "bin", "napi-v6", os, file));
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function fail(message) {
  process.stderr.write(`onnxruntime-cuda: ${message}\n`);
  process.exit(1);
}

function main() {
  const root = process.argv[2];
  if (!root) fail("usage: node onnxruntime-cuda.mjs XQG_PACKAGE_DIR (e.g. /opt/xqg)");
  const flag = process.env.ONNXRUNTIME_NODE_INSTALL ?? process.env.ONNXRUNTIME_NODE_INSTALL_CUDA;
  if (flag === undefined || flag === "" || flag === "skip")
    fail(
      `ONNXRUNTIME_NODE_INSTALL is ${flag ? `"${flag}"` : "unset"}: set it to cuda12 to download the CUDA provider`,
    );
  let dir;
  try {
    dir = findOnnxruntime(root);
  } catch (error) {
    fail(`cannot find onnxruntime-node from ${root}: ${error.message}`);
  }
  const { version } = readJson(join(dir, "package.json"));
  const files = cudaFiles(dir);
  if (files.length === 0)
    fail(`onnxruntime-node ${version} has no CUDA provider for ${platform()}/${arch()}`);
  process.stderr.write(`onnxruntime-cuda: running onnxruntime-node ${version}'s install script in ${dir}\n`);
  const run = spawnSync(process.execPath, [join(dir, "script", "install.js")], {
    cwd: dir,
    stdio: "inherit",
  });
  if (run.status !== 0)
    fail(`onnxruntime-node's install script failed (exit ${run.status ?? run.signal}); see its output above`);
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) fail(`the install script ran, but these files are missing: ${missing.join(", ")}`);
  process.stderr.write(`onnxruntime-cuda: CUDA provider installed (${files.length} files)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
