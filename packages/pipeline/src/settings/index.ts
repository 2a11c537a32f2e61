// The config's fields, for front ends that build flags, forms or docs from them (the xqg CLI does).

export { DEVICES } from "../device.js";
export { alphasProblem, systemName } from "../layout.js";
export { parseShard } from "../shard.js";
export { threadsProblem } from "../threads.js";
export {
  defaultsOf,
  type Field,
  type Fields,
  field,
  flagName,
  renamedValue,
  schemaOf,
  withDefaults,
} from "./fields.js";
export { type InputSettings, inputFields, languageCodes } from "./inputs.js";
export { STAGE_FIELDS, type StageName, type StageSettings } from "./stages.js";
