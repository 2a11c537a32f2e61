export {
  API_DIR,
  type ApiDeclaration,
  apiFileName,
  changedFiles,
  changesetPackages,
  type DeclaredSurface,
  declaredSurface,
  renderApiReport,
  runtimeExports,
} from "./api-surface.js";
export { copyWorkingTree } from "./clone.js";
export { type ExecOptions, type ExecResult, exec, pnpm, userEnv } from "./exec.js";
export { packAll } from "./pack.js";
export {
  type LocalRegistry,
  type LocalRegistryOptions,
  startLocalRegistry,
  upstreamRegistry,
} from "./registry.js";
export { ABSENT, shimPath } from "./shims.js";
export { readTarball, type Tarball } from "./tarball.js";
export {
  type Manifest,
  publishedPackages,
  ROOT,
  type WorkspacePackage,
  workspacePackages,
} from "./workspace.js";
