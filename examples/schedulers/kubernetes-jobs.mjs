#!/usr/bin/env node
// Writes Kubernetes Indexed Jobs for the units still to run, one Job per level of the plan (the lines of
// levels.mjs): each completion index runs one unit (`xqg unit CONFIG KEY`). Apply a level after the previous
// one has completed:
//   xqg plan xqg.yaml --json | node levels.mjs | node kubernetes-jobs.mjs /data/xqg.yaml ghcr.io/xqg/xqg:latest > jobs.yaml
//   kubectl apply -f jobs.yaml   # or one document at a time, waiting with `kubectl wait --for=condition=complete`
// The config and its paths must be on a volume every pod mounts (here the PersistentVolumeClaim xqg-data at /data).
import { text } from "node:stream/consumers";

const [config, image = "ghcr.io/xqg/xqg:latest"] = process.argv.slice(2);
if (!config) throw new Error("usage: kubernetes-jobs.mjs CONFIG [IMAGE] < levels");
const levels = (await text(process.stdin))
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => line.trim().split(" "));
const docs = levels.map((keys, i) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: `xqg-level-${i}`, labels: { app: "xqg", "xqg/level": String(i) } },
  spec: {
    completionMode: "Indexed",
    completions: keys.length,
    parallelism: keys.length,
    backoffLimit: 3,
    template: {
      spec: {
        restartPolicy: "Never",
        containers: [
          {
            name: "unit",
            image,
            env: [{ name: "XQG_KEYS", value: keys.join(" ") }],
            // the unit of this pod: the word at JOB_COMPLETION_INDEX of the level's keys
            command: [
              "sh",
              "-c",
              `set -- $XQG_KEYS; shift $JOB_COMPLETION_INDEX; exec xqg unit ${config} "$1" --quiet`,
            ],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "xqg-data" } }],
      },
    },
  },
}));
// JSON is YAML: one document per Job
console.log(docs.map((d) => JSON.stringify(d, null, 2)).join("\n---\n"));
