import { CorpusError } from "../errors.js";

/**
 * Picks a file format: the one asked for, else the one its extension names (".gz" looked through),
 * else an error that lists the choices.
 */
export function resolveFormat<F extends string>(
  path: string,
  requested: F | undefined,
  registry: Readonly<Record<F, string>>,
  byExtension: Readonly<Record<string, F>>,
): F {
  const formats = Object.keys(registry) as F[];
  if (requested !== undefined) {
    if (formats.includes(requested)) return requested;
    const reason = `unknown format "${requested}" (expected one of ${formats.join(", ")})`;
    throw new CorpusError(reason, { file: path, code: "bad-value", field: "format" });
  }
  const name = path.toLowerCase().replace(/\.gz$/, "");
  const extension = name.slice(name.lastIndexOf(".") + 1);
  const format = Object.hasOwn(byExtension, extension) ? byExtension[extension] : undefined;
  if (format !== undefined) return format;
  const reason = `cannot tell the format from the file name; pass { format: ${formats.map((f) => `"${f}"`).join(" | ")} }`;
  throw new CorpusError(reason, { file: path, code: "bad-value", field: "format" });
}
