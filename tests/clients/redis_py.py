"""redis-py's RedisCluster against a cluster on 127.0.0.1:PORT (argv[1]): a session
across slots, a hash-tagged pipeline, reads from replicas, then a write every 100 ms
until the test has killed a master and writes have come back (see tests/clients/README.md
for the lines it prints)."""
import sys
import time
import warnings

from redis.cluster import RedisCluster
from redis.exceptions import RedisError

warnings.simplefilter("ignore")
port = int(sys.argv[1])
rc = RedisCluster(host="127.0.0.1", port=port, decode_responses=True,
                  socket_timeout=1.0, socket_connect_timeout=1.0)
print("session masters", len(rc.get_primaries()), flush=True)
ok = "OK" if rc.set("mykey", "myvalue") else "not OK"
print("session set", ok, rc.get("mykey"), rc.keyslot("mykey"))
for i in range(100):
    rc.set(f"key:{i}", i)
print("session sum", sum(int(rc.get(f"key:{i}")) for i in range(100)))
p = rc.pipeline()
p.set("{user:1}:visits", 1)
p.incr("{user:1}:visits")
p.hset("{user:1}:profile", "name", "ada")
p.hget("{user:1}:profile", "name")
print("session pipeline", " ".join("OK" if x is True else str(x) for x in p.execute()))
replicas = RedisCluster(host="127.0.0.1", port=port, decode_responses=True,
                        read_from_replicas=True)
reads = set()
for _ in range(20):
    reads.add(replicas.get("mykey"))
print("session replica reads", " ".join(sorted(r for r in reads if r is not None)))
print("ready", flush=True)


def now_ms():
    return int(time.time() * 1000)


failed = False
ok_after = 0
acked = []
deadline = time.time() + 90
i = 0
while time.time() < deadline and ok_after < 20:
    start = now_ms()
    try:
        rc.set(f"{{mykey}}:w:{i}", str(i))
        ok = True
        acked.append(i)
    except RedisError:
        ok = False
    end = now_ms()
    print("write", i, start, end, "ok" if ok else "fail", flush=True)
    if not ok or end - start > 1000:
        failed = True
    elif failed:
        ok_after += 1
    i += 1
    time.sleep(max(0.0, 0.1 - (end - start) / 1000))
for n in acked:
    try:
        if rc.get(f"{{mykey}}:w:{n}") != str(n):
            print("missing", n)
    except RedisError:
        print("missing", n)
print("done", flush=True)
