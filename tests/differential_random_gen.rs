//! The random differential's generator: seeded command sequences over every data
//! command, with wrong arities, types, options and values mixed in.

#![allow(dead_code)]

use clusterlab_core::rng::SimRng;

use crate::commands::GENERATED;

#[path = "differential_random_analytics.rs"]
mod analytics;
#[path = "differential_random_streams.rs"]
mod streams;
#[path = "differential_random_zsets.rs"]
mod zsets;

pub struct Gen {
    rng: SimRng,
}

fn pick<'a>(rng: &mut SimRng, pool: &[&'a str]) -> &'a str {
    pool[rng.index(pool.len())]
}

const KEYS: &[&str] = &["{k}a", "{k}b", "{k}c", "{k}d", "{k}e", "{k}f"];
const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "10",
    "-1",
    "42",
    "7",
    "a",
    "b",
    "c",
    "x",
    "hello",
    "",
    "3.5",
    "-2.5",
    "1e3",
    "abc def",
    "9223372036854775807",
    "-9223372036854775808",
    "0x10",
    " 1",
    "007",
];
const MEMBERS: &[&str] = &[
    "1", "2", "3", "4", "5", "10", "-1", "a", "b", "c", "d", "007", "x",
];
const FIELDS: &[&str] = &["f1", "f2", "f3", "n", "x", "1"];
const INTS: &[&str] = &[
    "-3",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "5",
    "10",
    "100",
    "-100",
    "abc",
    "9223372036854775807",
];
const FLOATS: &[&str] = &[
    "0", "1.5", "-2", "0.1", "1e3", "inf", "-inf", "abc", "3", "-0",
];
const LONG: &str = "a-long-value-past-the-listpack-limit-of-sixty-four-bytes-0123456789";

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: SimRng::new(seed),
        }
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.chance_percent(percent)
    }

    fn key(&mut self) -> String {
        match self.rng.below(40) {
            0 => "nokey{k}".into(),
            1 => "x".into(),
            _ => pick(&mut self.rng, KEYS).into(),
        }
    }

    fn value(&mut self) -> String {
        if self.chance(3) {
            return LONG.into();
        }
        pick(&mut self.rng, VALUES).into()
    }

    fn member(&mut self) -> String {
        if self.chance(2) {
            return LONG.into();
        }
        pick(&mut self.rng, MEMBERS).into()
    }

    fn field(&mut self) -> String {
        if self.chance(2) {
            return LONG.into();
        }
        pick(&mut self.rng, FIELDS).into()
    }

    fn int(&mut self) -> String {
        pick(&mut self.rng, INTS).into()
    }

    /// A position around Sicily (so searches find something), sometimes out of range.
    fn lon_lat(&mut self) -> (String, String) {
        let lon = self.word(&[
            "13.361389",
            "15.087269",
            "13.583333",
            "14.2",
            "12.9",
            "200",
            "x",
        ]);
        let lat = self.word(&["38.115556", "37.502669", "37.316667", "37.9", "38.4", "86"]);
        (lon, lat)
    }

    /// A bit offset: small, sometimes past a short string, sometimes wrong.
    fn bit_offset(&mut self) -> String {
        self.word(&["0", "1", "7", "8", "13", "100", "-1", "abc"])
    }

    fn float(&mut self) -> String {
        pick(&mut self.rng, FLOATS).into()
    }

    fn some<T>(&mut self, max: usize, mut f: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        let n = 1 + self.rng.index(max);
        (0..n).map(|_| f(self)).collect()
    }

    fn word(&mut self, words: &[&str]) -> String {
        pick(&mut self.rng, words).into()
    }

    /// A blocking command's timeout: short, so an empty key answers nil on both sides
    /// after the same wait (and sometimes a wrong one).
    fn timeout(&mut self) -> String {
        self.word(&["0.01", "0.01", "0.02", "abc", "-1"])
    }

    fn score_bound(&mut self) -> String {
        self.word(&[
            "-inf", "+inf", "0", "1", "(1", "2.5", "(3", "10", "abc", "(", "-1",
        ])
    }

    fn lex_bound(&mut self) -> String {
        self.word(&["-", "+", "[a", "(a", "[c", "(d", "[1", "b", "[", "(x"])
    }

    /// A TTL option of SET or GETEX: future times only, so nothing expires mid-run.
    fn ttl_option(&mut self) -> Vec<String> {
        match self.rng.below(6) {
            0 => vec!["EX".into(), "1000".into()],
            1 => vec!["PX".into(), "500000".into()],
            2 => vec!["EXAT".into(), "4000000000".into()],
            3 => vec!["PXAT".into(), "4000000000000".into()],
            4 => vec!["EX".into(), self.int()],
            _ => vec!["KEEPTTL".into()],
        }
    }

    /// One command's arguments, the name first.
    fn build(&mut self, name: &str) -> Vec<String> {
        let k = self.key();
        let mut a: Vec<String> = vec![name.to_uppercase()];
        match name {
            "append" | "setnx" | "getset" => a.extend([k, self.value()]),
            "set" => {
                a.extend([k, self.value()]);
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(4) {
                        0 => a.push(self.word(&["NX", "XX", "GET"])),
                        _ => a.extend(self.ttl_option()),
                    }
                }
            }
            "setex" => a.extend([
                k,
                self.word(&["100", "1000", "0", "-1", "abc"]),
                self.value(),
            ]),
            "psetex" => a.extend([k, self.word(&["100000", "0", "abc"]), self.value()]),
            "get" | "getdel" | "strlen" | "incr" | "decr" | "type" | "ttl" | "pttl"
            | "expiretime" | "pexpiretime" | "persist" | "llen" | "scard" | "smembers"
            | "hgetall" | "hkeys" | "hvals" | "hlen" | "zcard" => a.push(k),
            "getex" => {
                a.push(k);
                if self.chance(70) {
                    if self.chance(20) {
                        a.push("PERSIST".into());
                    } else {
                        let mut t = self.ttl_option();
                        if t[0] == "KEEPTTL" {
                            t = vec!["EX".into(), "2000".into()];
                        }
                        a.extend(t);
                    }
                }
            }
            "getrange" | "substr" => a.extend([k, self.int(), self.int()]),
            "setrange" => a.extend([k, self.word(&["0", "1", "5", "-1", "abc"]), self.value()]),
            "incrby" | "decrby" => a.extend([k, self.int()]),
            "incrbyfloat" => a.extend([k, self.float()]),
            "mget" | "exists" | "del" | "unlink" | "touch" => {
                a.push(k);
                a.extend(self.some(3, Gen::key));
            }
            "mset" | "msetnx" => {
                for _ in 0..1 + self.rng.below(3) {
                    let (k, v) = (self.key(), self.value());
                    a.extend([k, v]);
                }
            }
            "copy" => {
                a.extend([k, self.key()]);
                if self.chance(40) {
                    a.push("REPLACE".into());
                }
            }
            "rename" | "renamenx" => a.extend([k, self.key()]),
            "dump" => a.push(k),
            // Refused in cluster mode, after the key's routing.
            "move" => a.extend([k, self.word(&["1", "0", "abc"])]),
            "swapdb" => a.extend([self.word(&["0", "1"]), self.word(&["1", "x"])]),
            "replicaof" | "slaveof" => {
                a.extend([self.word(&["127.0.0.1", "no"]), self.word(&["6379", "one"])])
            }
            "failover" => {
                if self.chance(50) {
                    a.extend(["TO".into(), "127.0.0.1".into(), "6379".into()]);
                }
            }
            "restore" => {
                // The payload is a key's DUMP, taken when the command runs
                // (`differential_random.rs`): from the real side, the simulation, or the
                // real side's with a byte flipped.
                let from = self.word(&["real", "sim", "sim", "bad"]);
                a.extend([k, self.word(&["0", "0", "0", "100000", "-5", "abc"])]);
                a.push(format!("\0{from}:{}", self.key()));
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(5) {
                        0 | 1 => a.push("REPLACE".into()),
                        2 => a.push("ABSTTL".into()),
                        3 => a.extend(["IDLETIME".into(), self.word(&["10", "-1", "abc"])]),
                        _ => a.extend(["FREQ".into(), self.word(&["5", "300"])]),
                    }
                }
            }
            "expire" | "pexpire" => {
                let t = if name == "expire" { "1000" } else { "1000000" };
                a.extend([k, self.word(&[t, t, "-1", "0", "abc"])]);
                if self.chance(30) {
                    a.push(self.word(&["NX", "XX", "GT", "LT", "BAD"]));
                }
            }
            "expireat" | "pexpireat" => {
                let t = if name == "expireat" {
                    "4000000000"
                } else {
                    "4000000000000"
                };
                a.extend([k, self.word(&[t, t, "1", "abc"])]);
                if self.chance(30) {
                    a.push(self.word(&["NX", "XX", "GT", "LT"]));
                }
            }
            "keys" => a.push(self.word(&["*", "{k}*", "{k}[ab]", "nothing*", "*e"])),
            "randomkey" | "dbsize" | "ping" => {}
            "lcs" => {
                a.extend([k, self.key()]);
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(5) {
                        0 => a.push("LEN".into()),
                        1 => a.push("IDX".into()),
                        2 => a.push("WITHMATCHLEN".into()),
                        3 => a.extend(["MINMATCHLEN".into(), self.word(&["0", "2", "-1", "x"])]),
                        _ => a.push("BAD".into()),
                    }
                }
            }
            "geoadd"
            | "geopos"
            | "geohash"
            | "geodist"
            | "georadius"
            | "georadius_ro"
            | "georadiusbymember"
            | "georadiusbymember_ro"
            | "geosearch"
            | "geosearchstore"
            | "pfadd"
            | "pfcount"
            | "pfmerge"
            | "pfdebug"
            | "setbit"
            | "getbit"
            | "bitcount"
            | "bitpos"
            | "bitop"
            | "bitfield"
            | "bitfield_ro"
            | "scan"
            | "hscan"
            | "sscan"
            | "zscan" => self.build_analytics(name, k, &mut a),
            "echo" => a.push(self.value()),
            "select" => a.push(self.word(&["0", "1", "abc"])),
            "object" => {
                a.push(self.word(&["ENCODING", "ENCODING", "REFCOUNT", "BADSUB"]));
                a.push(k);
            }
            "lpush" | "rpush" | "lpushx" | "rpushx" => {
                a.push(k);
                a.extend(self.some(4, Gen::member));
            }
            "lpop" | "rpop" => {
                a.push(k);
                if self.chance(50) {
                    a.push(self.word(&["0", "1", "2", "5", "-1"]));
                }
            }
            "lrange" | "ltrim" => a.extend([k, self.int(), self.int()]),
            "lindex" => a.extend([k, self.int()]),
            "lset" => a.extend([k, self.int(), self.member()]),
            "linsert" => a.extend([
                k,
                self.word(&["BEFORE", "AFTER", "MIDDLE"]),
                self.member(),
                self.member(),
            ]),
            "lrem" => a.extend([k, self.int(), self.member()]),
            "lpos" => {
                a.extend([k, self.member()]);
                for _ in 0..self.rng.below(3) {
                    let opt = self.word(&["RANK", "COUNT", "MAXLEN"]);
                    a.extend([opt, self.int()]);
                }
            }
            "lmove" => a.extend([
                k,
                self.key(),
                self.word(&["LEFT", "RIGHT", "UP"]),
                self.word(&["LEFT", "RIGHT"]),
            ]),
            "rpoplpush" => a.extend([k, self.key()]),
            "lmpop" => {
                let n = 1 + self.rng.below(3) as usize;
                a.push(n.to_string());
                a.push(k);
                a.extend((1..n).map(|_| self.key()));
                a.push(self.word(&["LEFT", "RIGHT"]));
                if self.chance(50) {
                    a.extend(["COUNT".into(), self.word(&["1", "2", "10", "0"])]);
                }
            }
            "sadd" | "srem" | "smismember" => {
                a.push(k);
                a.extend(self.some(4, Gen::member));
            }
            "sismember" => a.extend([k, self.member()]),
            "smove" => a.extend([k, self.key(), self.member()]),
            "spop" => {
                a.push(k);
                if self.chance(50) {
                    a.push(self.word(&["0", "1", "2", "3", "10", "-1"]));
                }
            }
            "srandmember" | "hrandfield" => {
                a.push(k);
                if self.chance(70) {
                    a.push(self.word(&["0", "1", "2", "3", "10", "-2", "-5"]));
                    if name == "hrandfield" && self.chance(40) {
                        a.push("WITHVALUES".into());
                    }
                }
            }
            "sinter" | "sunion" | "sdiff" => {
                a.push(k);
                a.extend(self.some(3, Gen::key));
            }
            "sinterstore" | "sunionstore" | "sdiffstore" => {
                a.push(k);
                a.extend(self.some(3, Gen::key));
            }
            "sintercard" => {
                let n = 1 + self.rng.below(3) as usize;
                a.push(n.to_string());
                a.push(k);
                a.extend((1..n).map(|_| self.key()));
                if self.chance(40) {
                    a.extend(["LIMIT".into(), self.word(&["0", "1", "2", "-1"])]);
                }
            }
            "hset" | "hmset" => {
                a.push(k);
                for _ in 0..1 + self.rng.below(3) {
                    let (f, v) = (self.field(), self.value());
                    a.extend([f, v]);
                }
            }
            "hsetnx" => a.extend([k, self.field(), self.value()]),
            "hget" | "hexists" | "hstrlen" => a.extend([k, self.field()]),
            "hmget" | "hdel" => {
                a.push(k);
                a.extend(self.some(3, Gen::field));
            }
            "hincrby" => a.extend([k, self.field(), self.int()]),
            "hincrbyfloat" => a.extend([k, self.field(), self.float()]),
            n if n.starts_with('z') => self.build_zset(n, k, &mut a),
            "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => {
                a.push(k);
                a.extend(self.some(2, Gen::key));
                a.push(self.timeout());
            }
            "blmove" => a.extend([
                k,
                self.key(),
                self.word(&["LEFT", "RIGHT", "UP"]),
                self.word(&["LEFT", "RIGHT"]),
                self.timeout(),
            ]),
            "brpoplpush" => a.extend([k, self.key(), self.timeout()]),
            "blmpop" | "bzmpop" => {
                a.push(self.timeout());
                let n = 1 + self.rng.below(2) as usize;
                a.push(n.to_string());
                a.push(k);
                a.extend((1..n).map(|_| self.key()));
                a.push(if name == "blmpop" {
                    self.word(&["LEFT", "RIGHT"])
                } else {
                    self.word(&["MIN", "MAX"])
                });
                if self.chance(50) {
                    a.extend(["COUNT".into(), self.word(&["1", "2", "10", "0"])]);
                }
            }
            "sort" | "sort_ro" => {
                a.push(k);
                for _ in 0..self.rng.below(4) {
                    match self.rng.below(7) {
                        0 => a.push(self.word(&["ASC", "DESC"])),
                        1 => a.push("ALPHA".into()),
                        2 => a.extend(["LIMIT".into(), self.int(), self.int()]),
                        3 => a.extend(["STORE".into(), self.key()]),
                        4 => a.extend(["BY".into(), self.word(&["nosort", "w_*"])]),
                        5 => a.extend(["GET".into(), "#".into()]),
                        _ => a.push("DESC".into()),
                    }
                }
            }
            n if n.starts_with('x') => self.build_stream(n, k, &mut a),
            other => panic!("no generator for {other}"),
        }
        a
    }

    /// The next command: about 15 % of them made wrong in one way.
    pub fn command(&mut self) -> Vec<Vec<u8>> {
        // Writes that build data come more often, so reads find something.
        let name = if self.chance(25) {
            self.word(&[
                "sadd", "rpush", "hset", "zadd", "set", "lpush", "incr", "xadd",
            ])
        } else {
            self.word(GENERATED)
        };
        let mut a = self.build(&name);
        if self.chance(15) {
            match self.rng.below(4) {
                0 if a.len() > 1 => {
                    a.pop();
                }
                1 => a.push("extra".into()),
                2 if a.len() > 2 => {
                    let i = 2 + self.rng.index(a.len() - 2);
                    a[i] = self.word(&["abc", "-1", "", "0"]);
                }
                _ => a[0] = a[0].to_lowercase(),
            }
        }
        // A blocking command never waits for ever (the real server would hold the
        // connection): a zero timeout becomes 10 ms.
        let timeout_at = match name.as_str() {
            "blmpop" | "bzmpop" => Some(1),
            n if n.starts_with('b') => Some(a.len() - 1),
            _ => None,
        };
        if let Some(i) = timeout_at.filter(|&i| i < a.len()) {
            if a[i] == "0" {
                a[i] = "0.01".into();
            }
        }
        // XREAD's and XREADGROUP's BLOCK 0 waits for ever too: 10 ms instead.
        if let Some(i) = a.iter().position(|w| w.eq_ignore_ascii_case("block")) {
            if a.get(i + 1).is_some_and(|t| t == "0") {
                a[i + 1] = "10".into();
            }
        }
        a.into_iter().map(String::into_bytes).collect()
    }
}

/// A command as one line of text.
pub fn text(cmd: &[Vec<u8>]) -> String {
    cmd.iter()
        .map(|a| {
            let s = String::from_utf8_lossy(a);
            if s.is_empty() || s.contains(' ') {
                format!("\"{s}\"")
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
