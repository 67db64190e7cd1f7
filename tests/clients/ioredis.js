// ioredis's Cluster against a cluster on 127.0.0.1:PORT (argv[2]): the same session,
// pipeline, replica reads and writes every 100 ms as redis_py.py (see README.md).
const { Cluster } = require("ioredis");

const port = Number(process.argv[2]);
const options = {
  redisOptions: { commandTimeout: 1000, connectTimeout: 1000, maxRetriesPerRequest: 1 },
  clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
};
const { killPhase } = require("./kill_phase.js");

async function main() {
  const rc = new Cluster([{ host: "127.0.0.1", port }], options);
  await new Promise((resolve) => rc.once("ready", resolve));
  console.log("session masters", rc.nodes("master").length);
  const set = await rc.set("mykey", "myvalue");
  console.log("session set", set, await rc.get("mykey"), await rc.cluster("KEYSLOT", "mykey"));
  for (let i = 0; i < 100; i++) await rc.set(`key:${i}`, i);
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += Number(await rc.get(`key:${i}`));
  console.log("session sum", sum);
  const results = await rc
    .pipeline()
    .set("{user:1}:visits", 1)
    .incr("{user:1}:visits")
    .hset("{user:1}:profile", "name", "ada")
    .hget("{user:1}:profile", "name")
    .exec();
  console.log("session pipeline", results.map(([, v]) => v).join(" "));
  const replicas = new Cluster([{ host: "127.0.0.1", port }], { scaleReads: "slave" });
  await new Promise((resolve) => replicas.once("ready", resolve));
  const reads = new Set();
  for (let i = 0; i < 20; i++) reads.add(await replicas.get("mykey"));
  console.log("session replica reads", [...reads].filter((r) => r !== null).sort().join(" "));
  replicas.disconnect();
  console.log("ready");

  await killPhase((k, v) => rc.set(k, v), (k) => rc.get(k));
  rc.disconnect();
}

main().catch((e) => {
  console.log("error", e.message);
  process.exit(1);
});
