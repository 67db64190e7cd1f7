// node-redis's createCluster against a cluster on 127.0.0.1:PORT (argv[2]): the same
// session, pipeline, replica reads and writes every 100 ms as redis_py.py (see README.md).
const { createCluster } = require("redis");

const port = Number(process.argv[2]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
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

  let failed = false;
  let okAfter = 0;
  const acked = [];
  const deadline = Date.now() + 90000;
  const timeout = (p) =>
    Promise.race([p, sleep(1000).then(() => Promise.reject(new Error("timeout")))]);
  for (let i = 0; Date.now() < deadline && okAfter < 20; i++) {
    const start = Date.now();
    let ok = true;
    try {
      await timeout(rc.set(`{mykey}:w:${i}`, String(i)));
      acked.push(i);
    } catch (e) {
      ok = false;
    }
    const end = Date.now();
    console.log("write", i, start, end, ok ? "ok" : "fail");
    if (!ok || end - start > 1000) failed = true;
    else if (failed) okAfter++;
    await sleep(Math.max(0, 100 - (end - start)));
  }
  for (const n of acked) {
    let v = null;
    try {
      v = await timeout(rc.get(`{mykey}:w:${n}`));
    } catch (e) {}
    if (v !== String(n)) console.log("missing", n);
  }
  console.log("done");
  process.exit(0);
}

main().catch((e) => {
  console.log("error", e.message);
  process.exit(1);
});
