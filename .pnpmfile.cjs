// pnpm hooks for this workspace.
module.exports = {
  hooks: {
    // The published package.json: development-only fields are dropped, so the tarball names no private
    // workspace packages (@xqg/tsconfig, @xqg/test-utils, ...) and no scripts that need the monorepo.
    beforePacking(pkg) {
      const { devDependencies, scripts, ...published } = pkg;
      return published;
    },
  },
};
