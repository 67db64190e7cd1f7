// The kill phase both Node programs share: a write every 100 ms until, after a failure,
// 20 in a row have succeeded (or 90 s have passed), then every acknowledged write read
// back. `set(key, value)` and `get(key)` are the library's, each with a one-second timeout.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function killPhase(set, get) {
  let failed = false;
  let okAfter = 0;
  const acked = [];
  const deadline = Date.now() + 90000;
  for (let i = 0; Date.now() < deadline && okAfter < 20; i++) {
    const start = Date.now();
    let ok = true;
    try {
      await set(`{mykey}:w:${i}`, String(i));
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
      v = await get(`{mykey}:w:${n}`);
    } catch (e) {}
    if (v !== String(n)) console.log("missing", n);
  }
  console.log("done");
}

module.exports = { killPhase, sleep };
