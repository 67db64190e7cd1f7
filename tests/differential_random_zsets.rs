//! The random differential's sorted-set commands (the blocking pops are with the lists').

use super::Gen;

impl Gen {
    /// Adds a sorted-set command's arguments after its name; `k` is the key drawn for it.
    pub(super) fn build_zset(&mut self, name: &str, k: String, a: &mut Vec<String>) {
        match name {
            "zadd" => {
                a.push(k);
                if self.chance(30) {
                    a.push(self.word(&["NX", "XX", "GT", "LT", "CH", "INCR"]));
                }
                for _ in 0..1 + self.rng.below(3) {
                    let (s, m) = (self.float(), self.member());
                    a.extend([s, m]);
                }
            }
            "zincrby" => a.extend([k, self.float(), self.member()]),
            "zscore" | "zrank" | "zrevrank" => a.extend([k, self.member()]),
            "zmscore" | "zrem" => {
                a.push(k);
                a.extend(self.some(3, Gen::member));
            }
            "zrange" | "zrangestore" => {
                if name == "zrangestore" {
                    a.push(self.key());
                }
                a.push(k);
                match self.rng.below(3) {
                    0 => {
                        a.extend([self.int(), self.int()]);
                    }
                    1 => {
                        a.extend([self.score_bound(), self.score_bound()]);
                        a.push("BYSCORE".into());
                    }
                    _ => {
                        a.extend([self.lex_bound(), self.lex_bound()]);
                        a.push("BYLEX".into());
                    }
                }
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(3) {
                        0 => a.push("REV".into()),
                        1 => a.extend(["LIMIT".into(), self.int(), self.int()]),
                        _ => a.push("WITHSCORES".into()),
                    }
                }
            }
            "zrevrange" => {
                a.extend([k, self.int(), self.int()]);
                if self.chance(40) {
                    a.push("WITHSCORES".into());
                }
            }
            "zrangebyscore" | "zrevrangebyscore" | "zcount" | "zremrangebyscore" => {
                a.extend([k, self.score_bound(), self.score_bound()]);
                if name.contains("range") && !name.starts_with("zrem") {
                    if self.chance(40) {
                        a.push("WITHSCORES".into());
                    }
                    if self.chance(30) {
                        a.extend(["LIMIT".into(), self.int(), self.int()]);
                    }
                }
            }
            "zrangebylex" | "zrevrangebylex" | "zlexcount" | "zremrangebylex" => {
                a.extend([k, self.lex_bound(), self.lex_bound()]);
                if name.contains("range") && !name.starts_with("zrem") && self.chance(30) {
                    a.extend(["LIMIT".into(), self.int(), self.int()]);
                }
            }
            "zremrangebyrank" => a.extend([k, self.int(), self.int()]),
            "zpopmin" | "zpopmax" => {
                a.push(k);
                if self.chance(50) {
                    a.push(self.word(&["0", "1", "2", "10", "-1"]));
                }
            }
            "zmpop" => {
                let n = 1 + self.rng.below(3) as usize;
                a.push(n.to_string());
                a.push(k);
                a.extend((1..n).map(|_| self.key()));
                a.push(self.word(&["MIN", "MAX", "MID"]));
                if self.chance(50) {
                    a.extend(["COUNT".into(), self.word(&["1", "2", "10", "0"])]);
                }
            }
            "zrandmember" => {
                a.push(k);
                if self.chance(70) {
                    a.push(self.word(&["0", "1", "2", "3", "10", "-2", "-5"]));
                    if self.chance(40) {
                        a.push("WITHSCORES".into());
                    }
                }
            }
            "zunion" | "zinter" | "zdiff" | "zintercard" | "zunionstore" | "zinterstore"
            | "zdiffstore" => {
                if name.ends_with("store") {
                    a.push(self.key());
                }
                let n = 1 + self.rng.below(3) as usize;
                a.push(if self.chance(5) {
                    "0".into()
                } else {
                    n.to_string()
                });
                a.push(k);
                a.extend((1..n).map(|_| self.key()));
                if name != "zdiff" && name != "zdiffstore" && name != "zintercard" {
                    if self.chance(30) {
                        a.push("WEIGHTS".into());
                        a.extend((0..n).map(|_| self.float()));
                    }
                    if self.chance(30) {
                        a.extend(["AGGREGATE".into(), self.word(&["SUM", "MIN", "MAX", "AVG"])]);
                    }
                }
                if name == "zintercard" && self.chance(40) {
                    a.extend(["LIMIT".into(), self.word(&["0", "1", "2", "-1"])]);
                }
                if !name.ends_with("store") && name != "zintercard" && self.chance(40) {
                    a.push("WITHSCORES".into());
                }
            }
            other => panic!("no generator for {other}"),
        }
    }
}
