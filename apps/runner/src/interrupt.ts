/**
 * What a process gives back on SIGINT / SIGTERM besides its leases, before they are removed: an `xqg worker`
 * moves its jobs back to the queue's waiting list. The hook resolves to one line saying what it gave back.
 */
export type InterruptHook = () => Promise<string>;

const hooks = new Set<InterruptHook>();

/** Registers `hook` to run on SIGINT / SIGTERM (see `runInterruptHooks`); returns the function unregistering it. */
export function onInterrupt(hook: InterruptHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/**
 * Runs the registered interrupt hooks, waiting at most `deadlineMs` for them (Redis may be unreachable):
 * their lines, `"timeout"` when the deadline passed first, or `undefined` when none is registered.
 */
export function runInterruptHooks(deadlineMs: number): Promise<string[] | "timeout"> | undefined {
  if (hooks.size === 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), deadlineMs);
  });
  const all = Promise.all(
    [...hooks].map((hook) => hook().catch((error: Error) => `could not hand back: ${error.message}`)),
  );
  return Promise.race([all, deadline]).finally(() => clearTimeout(timer));
}
