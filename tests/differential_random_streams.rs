//! The random differential's stream commands: explicit IDs only (a `*` would take each
//! server's own clock), groups and consumers from small pools so reads, claims and
//! acknowledgements meet, and idle times of 0 or far beyond the run.

use super::Gen;

impl Gen {
    fn stream_id(&mut self) -> String {
        self.word(&[
            "1", "2-0", "3-1", "5", "7-0", "10-0", "12-3", "20", "0-0", "bad", "-",
        ])
    }

    fn stream_bound(&mut self) -> String {
        self.word(&["-", "+", "1", "(1", "5-0", "(5", "10", "(20", "bad", "("])
    }

    fn group(&mut self) -> String {
        self.word(&["g1", "g1", "g2", "nog"])
    }

    fn consumer(&mut self) -> String {
        self.word(&["c1", "c2", "c3"])
    }

    /// XADD's or XTRIM's trimming: MAXLEN or MINID, exact or approximate, with a LIMIT.
    fn stream_trim(&mut self) -> Vec<String> {
        let mut t = vec![self.word(&["MAXLEN", "MINID", "maxlen"])];
        if self.chance(50) {
            t.push(self.word(&["~", "="]));
        }
        t.push(if t[0] == "MINID" {
            self.stream_id()
        } else {
            self.word(&["0", "1", "2", "5", "-1", "x"])
        });
        if self.chance(20) {
            t.extend(["LIMIT".into(), self.word(&["0", "1", "10", "-1"])]);
        }
        t
    }

    /// Adds a stream command's arguments after its name; `k` is the key drawn for it.
    pub(super) fn build_stream(&mut self, name: &str, k: String, a: &mut Vec<String>) {
        match name {
            "xadd" => {
                a.push(k);
                if self.chance(10) {
                    a.push("NOMKSTREAM".into());
                }
                if self.chance(25) {
                    a.extend(self.stream_trim());
                }
                a.push(self.word(&[
                    "1", "2-*", "3-1", "5", "5-*", "7-*", "10", "10-*", "0-1", "0-0", "20", "12-3",
                    "bad", "100-*", "1000",
                ]));
                for _ in 0..1 + self.rng.below(3) {
                    a.extend([self.word(&["f", "g", "h", "1"]), self.value()]);
                }
            }
            "xtrim" => {
                a.push(k);
                a.extend(self.stream_trim());
            }
            "xdel" => {
                a.push(k);
                a.extend(self.some(3, Gen::stream_id));
                if a.len() == 2 {
                    a.push(self.stream_id());
                }
            }
            "xlen" => a.push(k),
            "xrange" | "xrevrange" => {
                a.push(k);
                let (lo, hi) = (self.stream_bound(), self.stream_bound());
                a.extend([lo, hi]);
                if self.chance(40) {
                    a.extend(["COUNT".into(), self.word(&["1", "2", "0", "-1", "x"])]);
                }
            }
            "xread" | "xreadgroup" => {
                if name == "xreadgroup" || self.chance(5) {
                    a.extend(["GROUP".into(), self.group(), self.consumer()]);
                }
                if self.chance(40) {
                    a.extend(["COUNT".into(), self.word(&["1", "2", "0", "x"])]);
                }
                if self.chance(30) {
                    a.extend(["BLOCK".into(), self.word(&["10", "20", "x", "-1"])]);
                }
                if name == "xreadgroup" && self.chance(20) || self.chance(3) {
                    a.push("NOACK".into());
                }
                a.push("STREAMS".into());
                let keys = 1 + self.rng.below(2) as usize;
                for _ in 0..keys {
                    a.push(self.key());
                }
                for _ in 0..keys {
                    a.push(self.word(&[">", ">", "0", "$", "3", "5-0", "bad"]));
                }
                if self.chance(5) {
                    a.pop();
                }
            }
            "xgroup" => {
                let sub = self.word(&[
                    "CREATE",
                    "CREATE",
                    "SETID",
                    "DESTROY",
                    "CREATECONSUMER",
                    "DELCONSUMER",
                    "HELP",
                    "FOO",
                ]);
                a.push(sub.clone());
                if sub != "HELP" {
                    a.extend([k, self.group()]);
                }
                match sub.as_str() {
                    "CREATE" | "SETID" => {
                        a.push(self.word(&["$", "0", "3", "-", "bad"]));
                        if sub == "CREATE" && self.chance(50) {
                            a.push("MKSTREAM".into());
                        }
                        if self.chance(15) {
                            a.extend(["ENTRIESREAD".into(), self.word(&["0", "2", "-1", "-2"])]);
                        }
                    }
                    "CREATECONSUMER" | "DELCONSUMER" => a.push(self.consumer()),
                    _ => {}
                }
            }
            "xack" => {
                a.extend([k, self.group()]);
                for _ in 0..1 + self.rng.below(3) {
                    a.push(self.stream_id());
                }
            }
            "xpending" => {
                a.extend([k, self.group()]);
                if self.chance(70) {
                    if self.chance(25) {
                        a.extend(["IDLE".into(), self.word(&["0", "100000000", "x"])]);
                    }
                    let (lo, hi) = (self.stream_bound(), self.stream_bound());
                    a.extend([lo, hi, self.word(&["10", "1", "0", "x"])]);
                    if self.chance(40) {
                        a.push(self.consumer());
                    }
                }
            }
            "xclaim" => {
                a.extend([k, self.group(), self.consumer()]);
                a.push(self.word(&["0", "0", "100000000", "x"]));
                for _ in 0..1 + self.rng.below(2) {
                    a.push(self.stream_id());
                }
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(7) {
                        0 => a.push("FORCE".into()),
                        1 => a.push("JUSTID".into()),
                        2 => a.extend(["IDLE".into(), self.word(&["0", "50", "x"])]),
                        3 => a.extend(["RETRYCOUNT".into(), self.word(&["0", "5", "x"])]),
                        4 => a.extend(["LASTID".into(), self.stream_id()]),
                        5 => a.extend(["TIME".into(), self.word(&["99999999999999", "x"])]),
                        _ => a.push("BAD".into()),
                    }
                }
            }
            "xautoclaim" => {
                a.extend([k, self.group(), self.consumer()]);
                a.push(self.word(&["0", "0", "100000000", "x"]));
                a.push(self.stream_bound());
                if self.chance(40) {
                    a.extend(["COUNT".into(), self.word(&["1", "2", "0", "x"])]);
                }
                if self.chance(30) {
                    a.push(self.word(&["JUSTID", "BAD"]));
                }
            }
            "xinfo" => {
                let sub = self.word(&["STREAM", "STREAM", "GROUPS", "CONSUMERS", "HELP", "FOO"]);
                a.push(sub.clone());
                if sub != "HELP" {
                    a.push(k);
                }
                match sub.as_str() {
                    "CONSUMERS" => a.push(self.group()),
                    "STREAM" if self.chance(40) => {
                        a.push("FULL".into());
                        if self.chance(50) {
                            a.extend(["COUNT".into(), self.word(&["1", "0", "-1", "x"])]);
                        }
                    }
                    _ => {}
                }
            }
            "xsetid" => {
                a.extend([k, self.stream_id()]);
                if self.chance(30) {
                    a.extend(["ENTRIESADDED".into(), self.word(&["0", "5", "100", "-1"])]);
                }
                if self.chance(20) {
                    a.extend(["MAXDELETEDID".into(), self.stream_id()]);
                }
            }
            other => panic!("no generator for {other}"),
        }
    }
}
