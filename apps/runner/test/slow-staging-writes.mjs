// Test-only preload (`node --import ./slow-staging-writes.mjs`), used by resume-partial.test.ts: the first two
// writes to each file under a `.xqg-staging` folder are each split in two with a pause of XQG_TEST_STAGING_PAUSE_MS
// between the halves (two, so that a .npy file, whose first write is its header, is also caught with half of its
// first rows), so every stage holds a part-written output for long enough to be killed there. Only timing
// changes: the same bytes reach the same files through the same calls. Covers what the stages write with:
// fs.write/fs.writev (write streams), FileHandle.write (the .npy writer) and fs/promises writeFile.
import fs from "node:fs";
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";

const PAUSE = Number(process.env.XQG_TEST_STAGING_PAUSE_MS ?? "0");
const staged = (path) => String(path).includes(".xqg-staging");
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

if (PAUSE > 0) {
  /** Descriptors and handles of staged files → how many of their writes are still to be split. */
  const SPLIT = 2;
  const pendingFds = new Map();
  const pendingHandles = new WeakMap();
  /** Counts one split write of `key` in `pending`; false when it has had its SPLIT. */
  const take = (pending, key) => {
    const left = pending.get(key) ?? 0;
    if (left <= 1) pending.delete(key);
    else pending.set(key, left - 1);
    return left > 0;
  };

  const open = fs.open;
  fs.open = (path, ...rest) => {
    const callback = rest.pop();
    return open.call(fs, path, ...rest, (error, fd) => {
      if (!error && staged(path)) pendingFds.set(fd, SPLIT);
      callback(error, fd);
    });
  };

  const write = fs.write;
  fs.write = (fd, buffer, ...rest) => {
    if (!ArrayBuffer.isView(buffer) || !take(pendingFds, fd)) return write.call(fs, fd, buffer, ...rest);
    const callback = rest.pop();
    const [offset = 0, length = buffer.byteLength - offset, position = null] = rest;
    const half = Math.floor(length / 2);
    write.call(fs, fd, buffer, offset, half, position, (error, first) => {
      if (error) return callback(error, first, buffer);
      setTimeout(() => {
        const next = typeof position === "number" ? position + first : null;
        write.call(fs, fd, buffer, offset + first, length - first, next, (error2, second) =>
          callback(error2, first + (second ?? 0), buffer),
        );
      }, PAUSE);
    });
  };

  const writev = fs.writev;
  fs.writev = (fd, buffers, ...rest) => {
    if (!pendingFds.has(fd)) return writev.call(fs, fd, buffers, ...rest);
    const callback = rest.pop();
    const [position = null] = rest;
    const joined = Buffer.concat(buffers);
    fs.write(fd, joined, 0, joined.length, position, (error, written) => callback(error, written, buffers));
  };

  const openHandle = fsp.open;
  fsp.open = async (path, ...rest) => {
    const handle = await openHandle.call(fsp, path, ...rest);
    if (staged(path)) pendingHandles.set(handle, SPLIT);
    return handle;
  };
  const probe = await openHandle.call(fsp, import.meta.filename, "r");
  const prototype = Object.getPrototypeOf(probe);
  await probe.close();
  const handleWrite = prototype.write;
  prototype.write = async function (buffer, ...rest) {
    if (!ArrayBuffer.isView(buffer) || !take(pendingHandles, this))
      return handleWrite.call(this, buffer, ...rest);
    const [offset = 0, length = buffer.byteLength - offset, position = null] = rest;
    const half = Math.floor(length / 2);
    const first = await handleWrite.call(this, buffer, offset, half, position);
    await sleep(PAUSE);
    const next = typeof position === "number" ? position + first.bytesWritten : null;
    const second = await handleWrite.call(
      this,
      buffer,
      offset + first.bytesWritten,
      length - first.bytesWritten,
      next,
    );
    return { bytesWritten: first.bytesWritten + second.bytesWritten, buffer };
  };

  const writeFile = fsp.writeFile;
  fsp.writeFile = async (path, data, options) => {
    if (!staged(path) || typeof path !== "string") return writeFile.call(fsp, path, data, options);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
    const handle = await fsp.open(path, "w");
    try {
      await handle.write(bytes, 0, bytes.length, 0);
    } finally {
      await handle.close();
    }
  };

  syncBuiltinESMExports();
}
