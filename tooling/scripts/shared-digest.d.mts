export const REPO_ROOT: string;
/** The shared data folder the tests read (relative XQG_SHARED_DIR from the repository root). */
export function sharedDataPath(env?: Readonly<Record<string, string | undefined>>, root?: string): string;
/** sha256 over every file's relative path and bytes, in sorted order; "none" when `dir` is not a folder. */
export function sharedDigest(dir: string): string;
