// node-redis's createCluster against a cluster on 127.0.0.1:PORT (argv[2]): the same
// session, pipeline, replica reads and writes every 100 ms as redis_py.py (see README.md).
const { createCluster } = require("redis");

const port = Number(process.argv[2]);
const { killPhase, sleep } = require("./kill_phase.js");
const cluster = (extra) =>
  createCluster({
    rootNodes: [{ url: `redis://127.0.0.1:${port}` }],
    defaults: {
      socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(100 * retries, 1000) },
    },
    ...extra,
  });

async function main() {
  const rc = cluster({});
  rc.on("error", () => {});
  await rc.connect();
  console.log("session masters", rc.masters.length);
  const set = await rc.set("mykey", "myvalue");
  const slot = await rc.sendCommand("mykey", true, ["CLUSTER", "KEYSLOT", "mykey"]);
  console.log("session set", set, await rc.get("mykey"), slot);
  for (let i = 0; i < 100; i++) await rc.set(`key:${i}`, String(i));
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += Number(await rc.get(`key:${i}`));
  console.log("session sum", sum);
  const results = await rc
    .multi()
    .set("{user:1}:visits", "1")
    .incr("{user:1}:visits")
    .hSet("{user:1}:profile", "name", "ada")
    .hGet("{user:1}:profile", "name")
    .execAsPipeline();
  console.log("session pipeline", results.join(" "));
  const replicas = cluster({ useReplicas: true });
  replicas.on("error", () => {});
  await replicas.connect();
  const reads = new Set();
  for (let i = 0; i < 20; i++) reads.add(await replicas.get("mykey", { readonly: true }));
  console.log("session replica reads", [...reads].filter((r) => r !== null).sort().join(" "));
  await replicas.close();
  console.log("ready");

  // node-redis has no command timeout of its own: one second, like the other clients.
  const timeout = (p) =>
    Promise.race([p, sleep(1000).then(() => Promise.reject(new Error("timeout")))]);
  await killPhase((k, v) => timeout(rc.set(k, v)), (k) => timeout(rc.get(k)));
  process.exit(0);
}

main().catch((e) => {
  console.log("error", e.message);
  process.exit(1);
});
