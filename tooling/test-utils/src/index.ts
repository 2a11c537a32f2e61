export { mulberry32 } from "./random.js";
export { type ReadmeExampleOptions, runReadmeExample } from "./readme.js";
export { freePort, REDIS_SERVER, type RedisServer, startRedis } from "./redis.js";
export { sharedDataDir, sharedSkipReason } from "./shared.js";
export { withTempDir } from "./temp.js";
