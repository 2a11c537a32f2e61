import { PassThrough } from "node:stream";
import { main } from "../src/cli/main.js";
const t = performance.now();
const err = new PassThrough(); let log=""; err.on("data",c=>log+=c);
const code = await main(["evaluate","--run","/tmp/runsbench/run.trec","--qrels","/tmp/runsbench/qrels.txt","--metrics","nDCG@10,MRR@10,R@100,MAP","--out","/tmp/runsbench/e.json","--force"],{stdout:process.stdout,stderr:err});
console.log(code, log, (performance.now()-t)/1000);
