import { ModelError } from "./errors.js";
import { PrecompiledCharsmap } from "./precompiled.js";

/** A tokenizer.json normaliser as a plain function of text. */
export type NormalizeFn = (text: string) => string;

type Json = Record<string, unknown>;

/** Whether a normaliser tree contains a `Precompiled` (SentencePiece charsmap) step. */
export function hasPrecompiled(spec: unknown): boolean {
  if (spec === null || typeof spec !== "object") return false;
  const node = spec as Json;
  if (node["type"] === "Precompiled") return true;
  return node["type"] === "Sequence" && ((node["normalizers"] as unknown[]) ?? []).some(hasPrecompiled);
}

/**
 * Builds the normalisers SentencePiece conversions use (Precompiled, Replace, Strip, Prepend, Unicode forms,
 * Lowercase, Sequence) with the semantics of Hugging Face's Rust `tokenizers`.
 */
export function buildNormalizer(spec: unknown, file: string): NormalizeFn {
  const node = spec as Json;
  switch (node["type"]) {
    case "Sequence": {
      const steps = ((node["normalizers"] as unknown[]) ?? []).map((inner) => buildNormalizer(inner, file));
      return (text) => steps.reduce((current, step) => step(current), text);
    }
    case "Precompiled": {
      const charsmap = node["precompiled_charsmap"];
      if (typeof charsmap !== "string" || charsmap.length === 0) return (text) => text;
      const map = new PrecompiledCharsmap(charsmap);
      return (text) => map.normalize(text);
    }
    case "Replace":
      return replaceStep(node, file);
    case "Strip": {
      const left = node["strip_left"] !== false;
      const right = node["strip_right"] !== false;
      return (text) =>
        left && right ? text.trim() : left ? text.trimStart() : right ? text.trimEnd() : text;
    }
    case "Prepend": {
      const prefix = String(node["prepend"] ?? "");
      return (text) => (text.length > 0 ? prefix + text : text);
    }
    case "NFC":
    case "NFD":
    case "NFKC":
    case "NFKD": {
      const form = node["type"];
      return (text) => text.normalize(form);
    }
    case "Lowercase":
      return (text) => text.toLowerCase();
    default:
      throw new ModelError(
        `${file}: normalizer type ${JSON.stringify(node["type"])} is not supported next to Precompiled ` +
          "(expected Sequence, Precompiled, Replace, Strip, Prepend, NFC, NFD, NFKC, NFKD or Lowercase)",
        { code: "unsupported-tokenizer", file: file },
      );
  }
}

function replaceStep(node: Json, file: string): NormalizeFn {
  const pattern = node["pattern"] as { String?: string; Regex?: string } | undefined;
  const content = String(node["content"] ?? "");
  if (pattern?.String !== undefined) {
    const literal = pattern.String;
    return (text) => text.replaceAll(literal, content);
  }
  if (pattern?.Regex !== undefined) {
    const regex = new RegExp(pattern.Regex, "gu");
    return (text) => text.replace(regex, () => content);
  }
  throw new ModelError(`${file}: Replace normalizer without a String or Regex pattern`, {
    code: "unsupported-tokenizer",
    file: file,
  });
}
