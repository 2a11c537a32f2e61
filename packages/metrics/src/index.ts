export { PunktSentenceTokenizer } from "./tokenize/punkt.js";
export {
  findPunktDir,
  loadPunktParameters,
  type PunktLoadOptions,
  type PunktParameters,
  readPunktDir,
  standardNltkDataDirs,
} from "./tokenize/punkt-params.js";
export { treebankWordTokenize } from "./tokenize/treebank.js";
export { createWordTokenizer, type WordTokenizer, wordTokenize } from "./tokenize/word-tokenize.js";
