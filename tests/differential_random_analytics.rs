//! The random differential's geo, HyperLogLog, bitmap and SCAN-family commands.

use super::Gen;

impl Gen {
    /// Adds one of these commands' arguments after its name; `k` is the key drawn for it.
    pub(super) fn build_analytics(&mut self, name: &str, k: String, a: &mut Vec<String>) {
        match name {
            "geoadd" => {
                a.push(k);
                if self.chance(20) {
                    a.push(self.word(&["NX", "XX", "CH", "GT"]));
                }
                for _ in 0..1 + self.rng.below(3) {
                    let (lon, lat) = self.lon_lat();
                    a.extend([lon, lat, self.member()]);
                }
            }
            "geopos" | "geohash" => {
                a.push(k);
                a.extend(self.some(3, Gen::member));
            }
            "geodist" => {
                a.extend([k, self.member(), self.member()]);
                if self.chance(50) {
                    a.push(self.word(&["m", "KM", "mi", "ft", "yd"]));
                }
            }
            "georadius"
            | "georadius_ro"
            | "georadiusbymember"
            | "georadiusbymember_ro"
            | "geosearch"
            | "geosearchstore" => {
                if name == "geosearchstore" {
                    a.push(self.key());
                }
                a.push(k);
                if name.starts_with("georadius") {
                    if name.contains("bymember") {
                        a.push(self.member());
                    } else {
                        let (lon, lat) = self.lon_lat();
                        a.extend([lon, lat]);
                    }
                    a.extend([
                        self.word(&["100", "500", "0", "-1", "x"]),
                        self.word(&["km", "m", "mi"]),
                    ]);
                } else {
                    if self.chance(50) {
                        a.extend(["FROMMEMBER".into(), self.member()]);
                    } else {
                        let (lon, lat) = self.lon_lat();
                        a.extend(["FROMLONLAT".into(), lon, lat]);
                    }
                    if self.chance(50) {
                        a.extend([
                            "BYRADIUS".into(),
                            self.word(&["100", "500", "5000"]),
                            "km".into(),
                        ]);
                    } else {
                        a.extend([
                            "BYBOX".into(),
                            self.word(&["100", "800"]),
                            self.word(&["100", "800"]),
                            "km".into(),
                        ]);
                    }
                }
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(6) {
                        0 => a.push(self.word(&["WITHDIST", "WITHCOORD", "WITHHASH"])),
                        1 => a.push(self.word(&["ASC", "DESC"])),
                        2 => a.extend(["COUNT".into(), self.word(&["1", "2", "0"])]),
                        3 => a.push("ANY".into()),
                        4 => a.extend([self.word(&["STORE", "STOREDIST"]), self.key()]),
                        _ => a.push(self.word(&["STOREDIST", "BAD"])),
                    }
                }
            }
            "pfadd" => {
                a.push(k);
                let n = self.rng.below(5);
                for _ in 0..n {
                    a.push(self.member());
                }
            }
            "pfcount" | "pfmerge" => {
                a.push(k);
                if self.chance(50) {
                    a.extend(self.some(2, Gen::key));
                }
            }
            "pfdebug" => {
                // GETREG answers 16384 registers: asked rarely, so runs stay quick.
                let sub = if self.chance(10) {
                    "GETREG".to_string()
                } else {
                    self.word(&["ENCODING", "DECODE", "TODENSE", "BAD"])
                };
                a.push(sub);
                a.push(k);
            }
            "setbit" => a.extend([k, self.bit_offset(), self.word(&["0", "1", "1", "2", "x"])]),
            "getbit" => a.extend([k, self.bit_offset()]),
            "bitcount" | "bitpos" => {
                a.push(k);
                if name == "bitpos" {
                    a.push(self.word(&["0", "1", "1", "2"]));
                }
                let n = self.rng.below(4);
                for _ in 0..n {
                    a.push(self.word(&["0", "1", "-1", "-3", "5", "30", "abc"]));
                }
                if n >= 2 && self.chance(50) {
                    a.push(self.word(&["BIT", "BYTE", "bit", "bad"]));
                }
            }
            "bitop" => {
                a.push(self.word(&["AND", "OR", "XOR", "NOT", "and", "bad"]));
                a.push(k);
                a.extend(self.some(3, Gen::key));
            }
            "bitfield" | "bitfield_ro" => {
                a.push(k);
                for _ in 0..self.rng.below(4) {
                    let op = if name == "bitfield_ro" && self.chance(80) {
                        "GET".to_string()
                    } else {
                        self.word(&["GET", "SET", "INCRBY", "OVERFLOW", "BAD"])
                    };
                    match op.as_str() {
                        "OVERFLOW" => {
                            a.extend(["OVERFLOW".into(), self.word(&["WRAP", "SAT", "FAIL", "x"])])
                        }
                        "BAD" => a.push("BAD".into()),
                        _ => {
                            a.push(op.clone());
                            a.push(self.word(&["u8", "i8", "u1", "i64", "u63", "u64", "i5", "x8"]));
                            a.push(self.word(&["0", "3", "#1", "#2", "17", "-1"]));
                            if op != "GET" {
                                a.push(self.int());
                            }
                        }
                    }
                }
            }
            "scan" | "hscan" | "sscan" | "zscan" => {
                if name != "scan" {
                    a.push(k);
                }
                a.push(self.word(&["0", "0", "0", "1", "abc", "-1", ""]));
                let mut options = vec!["COUNT", "MATCH"];
                if name == "scan" {
                    options.push("TYPE");
                }
                for _ in 0..self.rng.below(3) {
                    match self.word(&options).as_str() {
                        "COUNT" => {
                            a.extend(["COUNT".into(), self.word(&["1", "3", "100", "0", "x"])])
                        }
                        "MATCH" => a.extend([
                            "MATCH".into(),
                            self.word(&["*", "{k}[ab]", "f*", "1*", "*x*"]),
                        ]),
                        _ => a.extend([
                            "TYPE".into(),
                            self.word(&["string", "hash", "ZSET", "none", "bad"]),
                        ]),
                    }
                }
            }
            other => panic!("no generator for {other}"),
        }
    }
}
