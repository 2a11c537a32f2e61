import { describe, expect, it } from "vitest";
import { explainSystemError } from "../src/errors.js";

const fsError = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
const refuse = (code: string) => async () => {
  throw fsError(code, "access", "/");
};

describe("file-system errors in the user's words", () => {
  it("says a read-only file system, not ENOENT, when mkdir -p cannot create the output (EROFS injected)", async () => {
    const error = fsError("ENOENT", "mkdir", "/tmp/no-such-parent/out/.xqg");
    expect(await explainSystemError(error, refuse("EROFS"))).toBe(
      "cannot create the folder /tmp/no-such-parent/out/.xqg: the file system is read-only (EROFS)",
    );
  });

  it("names the path and the cause of a full disk or a denied write", async () => {
    expect(await explainSystemError(fsError("ENOSPC", "write", "/data/out/P.npy"))).toBe(
      "cannot write /data/out/P.npy: no space left on the device (ENOSPC)",
    );
    expect(await explainSystemError(fsError("EACCES", "open", "/data/c.jsonl"))).toBe(
      "cannot open /data/c.jsonl: permission denied (EACCES)",
    );
  });

  it("keeps a real ENOENT when the parent is writable", async () => {
    const ok = async () => undefined;
    expect(await explainSystemError(fsError("ENOENT", "mkdir", "/tmp/x/y"), ok)).toBe(
      "cannot create the folder /tmp/x/y: no such file or directory (ENOENT)",
    );
  });

  it("leaves other errors to the generic handler", async () => {
    expect(await explainSystemError(new Error("bug"))).toBeUndefined();
    expect(await explainSystemError(fsError("EWHATEVER", "open", "/x"))).toBeUndefined();
  });
});
