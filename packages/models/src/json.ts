import { readFile } from "node:fs/promises";
import { ModelError } from "./errors.js";

/** Reads and parses a JSON file, turning a missing file or a syntax error into a ModelError naming the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new ModelError(`${file}: file not found`, { code: "missing-file", file: file });
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${file}: not valid JSON (${(error as Error).message})`, {
      code: "bad-json",
      file: file,
    });
  }
}
