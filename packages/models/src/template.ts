import { ModelError } from "./errors.js";

/** The single-sequence post-processing template of a tokenizer.json: special ids around the content. */
export interface SpecialTemplate {
  prefix: number[];
  prefixTypes: number[];
  suffix: number[];
  suffixTypes: number[];
  /** type id of the content tokens */
  contentType: number;
}

const NO_TEMPLATE: SpecialTemplate = {
  prefix: [],
  prefixTypes: [],
  suffix: [],
  suffixTypes: [],
  contentType: 0,
};

type Json = Record<string, unknown>;

/** Reads the `post_processor` of a tokenizer.json (TemplateProcessing, BertProcessing, RobertaProcessing, Sequence). */
export function parseTemplate(postProcessor: unknown, file: string): SpecialTemplate {
  if (postProcessor === null || postProcessor === undefined) return NO_TEMPLATE;
  const processor = postProcessor as Json;
  switch (processor["type"]) {
    case "TemplateProcessing":
      return fromTemplateProcessing(processor, file);
    case "BertProcessing":
    case "RobertaProcessing": {
      const cls = processor["cls"] as [string, number];
      const sep = processor["sep"] as [string, number];
      return { prefix: [cls[1]], prefixTypes: [0], suffix: [sep[1]], suffixTypes: [0], contentType: 0 };
    }
    case "ByteLevel":
      return NO_TEMPLATE;
    case "Sequence": {
      const templates = ((processor["processors"] as unknown[]) ?? [])
        .map((inner) => parseTemplate(inner, file))
        .filter((template) => template !== NO_TEMPLATE);
      if (templates.length > 1) {
        throw new ModelError(`${file}: post_processor has more than one template`, {
          code: "unsupported-tokenizer",
          file: file,
        });
      }
      return templates[0] ?? NO_TEMPLATE;
    }
    default:
      throw new ModelError(
        `${file}: post_processor type ${JSON.stringify(processor["type"])} is not supported ` +
          "(expected TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel or Sequence)",
        { code: "unsupported-tokenizer", file: file },
      );
  }
}

function fromTemplateProcessing(processor: Json, file: string): SpecialTemplate {
  const single = processor["single"] as Json[];
  const specials = (processor["special_tokens"] ?? {}) as Record<string, { ids: number[] }>;
  const template = {
    prefix: [] as number[],
    prefixTypes: [] as number[],
    suffix: [] as number[],
    suffixTypes: [] as number[],
  };
  let contentType = 0;
  let seenContent = false;
  for (const piece of single) {
    const sequence = piece["Sequence"] as { id: string; type_id: number } | undefined;
    if (sequence) {
      seenContent = true;
      contentType = sequence.type_id;
      continue;
    }
    const special = piece["SpecialToken"] as { id: string; type_id: number } | undefined;
    const ids = special ? specials[special.id]?.ids : undefined;
    if (!special || !ids) {
      throw new ModelError(
        `${file}: post_processor.single has an entry the template cannot resolve: ${JSON.stringify(piece)}`,
        { code: "unsupported-tokenizer", file: file },
      );
    }
    const ids_ = seenContent ? template.suffix : template.prefix;
    const types = seenContent ? template.suffixTypes : template.prefixTypes;
    for (const id of ids) {
      ids_.push(id);
      types.push(special.type_id);
    }
  }
  return { ...template, contentType };
}
