import { invalidOption } from "./errors.js";
import { topKIndices } from "./top-k.js";

export interface BeamSettings {
  numBeams: number;
  /** How many finished hypotheses to return (HF num_return_sequences); <= numBeams. */
  numReturn: number;
  /** Hypothesis score = sum of log-probabilities / generatedLength ** lengthPenalty (HF default 1). */
  lengthPenalty: number;
  /** HF early_stopping: true stops at numBeams finished hypotheses; false stops when none can improve. */
  earlyStopping: boolean;
  eosIds: readonly number[];
}

/** A finished beam hypothesis: generated tokens (without the decoder start token). */
export interface Hypothesis {
  tokens: number[];
  score: number;
  /** Whether it ended with an end-of-sequence token (then the last token is that EOS). */
  eos: boolean;
}

interface Entry extends Hypothesis {
  order: number;
}

/** HF BeamHypotheses: the numBeams best finished hypotheses of one prompt. */
class FinishedHypotheses {
  readonly entries: Entry[] = [];
  worstScore = 1e9;
  private added = 0;

  constructor(private readonly settings: BeamSettings) {}

  add(tokens: number[], sumLogprobs: number, generatedLength: number, eos: boolean): void {
    const score = sumLogprobs / generatedLength ** this.settings.lengthPenalty;
    const { numBeams } = this.settings;
    if (this.entries.length < numBeams || score > this.worstScore) {
      this.entries.push({ tokens, score, eos, order: this.added++ });
      if (this.entries.length > numBeams) {
        // Python sorts (score, index) tuples: the lowest score goes, the earliest on ties.
        const ranked = this.entries
          .map((e, i) => ({ score: e.score, i }))
          .sort((a, b) => a.score - b.score || a.i - b.i);
        this.entries.splice(ranked[0]!.i, 1);
        this.worstScore = ranked[1]!.score;
      } else {
        this.worstScore = Math.min(score, this.worstScore);
      }
    }
  }

  isDone(bestSumLogprobs: number, generatedLength: number): boolean {
    if (this.entries.length < this.settings.numBeams) return false;
    if (this.settings.earlyStopping) return true;
    return this.worstScore >= bestSumLogprobs / generatedLength ** this.settings.lengthPenalty;
  }
}

/** One live beam's best continuations and its row's log-normaliser (see `BeamSearch.stepFrom`). */
export interface BeamCandidates {
  ids: ArrayLike<number>;
  values: ArrayLike<number>;
  logSumExp: number;
  vocabSize: number;
}

interface LiveBeam {
  tokens: number[];
  score: number;
}

/**
 * Beam search bookkeeping for one prompt, following Hugging Face's BeamSearchScorer (one EOS-aware pass
 * over the 2·numBeams best continuations per step). The caller owns the model: it feeds the logits rows of
 * `live` beams to `step`, then reorders its KV cache by the returned parent indices.
 */
export class BeamSearch {
  private beams: LiveBeam[] = [{ tokens: [], score: 0 }];
  private readonly finished: FinishedHypotheses;
  done = false;

  constructor(private readonly settings: BeamSettings) {
    const { numBeams, numReturn } = settings;
    if (!Number.isInteger(numBeams) || numBeams < 1)
      throw invalidOption("numBeams", `numBeams must be an integer >= 1, got ${numBeams}`);
    if (numReturn > numBeams) {
      throw invalidOption(
        "numBeams",
        `beam search returns at most numBeams (${numBeams}) sequences, asked for ${numReturn}`,
      );
    }
    this.finished = new FinishedHypotheses(settings);
  }

  /** Live beams, in the order their logits rows must be given to `step`. */
  get live(): readonly LiveBeam[] {
    return this.done ? [] : this.beams;
  }

  /**
   * Advances every live beam by one token. `row(i)` is the logits of live beam i. Returns, for each new live
   * beam, the index of the beam it continues (to gather the cache) and its new token; empty once done.
   * At the first step there is a single live beam, which stands for HF's numBeams copies whose scores
   * other than the first start at -1e9.
   */
  step(row: (beam: number) => ArrayLike<number>): { parents: number[]; tokens: number[] } {
    return this.stepFrom((b) => {
      const logits = row(b);
      this.checkVocabulary(logits.length);
      const ids = topKIndices(logits, this.width);
      return {
        ids,
        values: Float64Array.from(ids, (i) => logits[i]!),
        logSumExp: logSumExp(logits),
        vocabSize: logits.length,
      };
    });
  }

  /** How many continuations of each beam a step looks at: the `width` best of its row. */
  get width(): number {
    // HF keeps max(2, 1 + #eos) · numBeams continuations so that enough non-EOS ones remain.
    return Math.max(2, 1 + this.settings.eosIds.length) * this.settings.numBeams;
  }

  /**
   * `step` from each live beam's best continuations rather than its logits: at least the `width` largest
   * logits (`ids` most likely first, value descending then index ascending; `values[i]` the logit of `ids[i]`)
   * and the row's log Σ exp(logit). Ties past `width` never matter: a beam's extra tied tokens rank after
   * `width` candidates of the same beam. This is how candidates chosen in the decoder graph are scored.
   */
  stepFrom(row: (beam: number) => BeamCandidates): { parents: number[]; tokens: number[] } {
    if (this.done) return { parents: [], tokens: [] };
    const { numBeams, eosIds } = this.settings;
    const width = this.width;
    const candidates: Array<{ parent: number; token: number; score: number; flat: number }> = [];
    for (let b = 0; b < this.beams.length; b++) {
      const { ids, values, logSumExp: lse, vocabSize } = row(b);
      this.checkVocabulary(vocabSize);
      for (let i = 0; i < ids.length; i++) {
        const token = ids[i]!;
        const score = this.beams[b]!.score + (values[i]! - lse);
        candidates.push({ parent: b, token, score, flat: b * vocabSize + token });
      }
    }
    candidates.sort((x, y) => y.score - x.score || x.flat - y.flat);
    const generatedLength = this.beams[0]!.tokens.length + 1;
    const next: LiveBeam[] = [];
    const parents: number[] = [];
    for (let rank = 0; rank < width && next.length < numBeams; rank++) {
      const { parent, token, score } = candidates[rank]!;
      const tokens = [...this.beams[parent]!.tokens, token];
      if (eosIds.includes(token)) {
        if (rank < numBeams) this.finished.add(tokens, score, generatedLength, true);
      } else {
        next.push({ tokens, score });
        parents.push(parent);
      }
    }
    this.done = this.finished.isDone(candidates[0]!.score, generatedLength);
    this.beams = next;
    return this.done ? { parents: [], tokens: [] } : { parents, tokens: next.map((b) => b.tokens.at(-1)!) };
  }

  private checkVocabulary(vocabSize: number): void {
    if (vocabSize < this.width) {
      throw invalidOption(
        "numBeams",
        `beam search needs a vocabulary of at least ${this.width} tokens (numBeams ${this.settings.numBeams})`,
      );
    }
  }

  /** The numReturn best hypotheses, best first; live beams count as finished when decoding stopped early. */
  result(): Hypothesis[] {
    if (!this.done) {
      for (const beam of this.beams) this.finished.add(beam.tokens, beam.score, beam.tokens.length, false);
      this.done = true;
    }
    // Python's stable ascending sort then pop(): best first, later-added first among equal scores.
    const ranked = [...this.finished.entries]
      .sort((a, b) => a.score - b.score || a.order - b.order)
      .reverse();
    return ranked.slice(0, this.settings.numReturn).map(({ tokens, score, eos }) => ({ tokens, score, eos }));
  }
}

function logSumExp(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += Math.exp(values[i]! - max);
  return max + Math.log(total);
}
