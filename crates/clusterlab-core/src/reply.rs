//! Replies as data. A MOVED redirect or a WRONGTYPE error is a value, never a Rust error.

/// A Redis reply. Handlers build the RESP3 shapes (maps, sets, doubles, verbatim text);
/// [`Reply::for_protocol`] turns them into what a RESP2 connection receives, as Redis's
/// `addReplyMapLen` and friends do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `+OK`
    Status(String),
    /// `-ERR …`: the full error line without the leading `-`.
    Error(String),
    Integer(i64),
    /// A bulk string; `None` is the nil bulk.
    Bulk(Option<Vec<u8>>),
    /// An array; `None` is the nil array.
    Array(Option<Vec<Reply>>),
    /// A RESP3 map (`%`): a flat array of keys and values in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// A RESP3 set (`~`): an array in RESP2.
    Set(Vec<Reply>),
    /// A RESP3 double (`,`), as its `%.17g` text: a bulk string in RESP2.
    Double(String),
    /// A RESP3 verbatim string (`=` with format `txt`): a bulk string in RESP2.
    Verbatim(String),
    /// A RESP3 boolean (`#t`, `#f`): the integer 1 or 0 in RESP2.
    Boolean(bool),
    /// A RESP3 big number (`(`), as its digits: a bulk string in RESP2.
    BigNumber(String),
    /// RESP3 attributes (`|`) before the reply they describe; RESP2 sends only the reply.
    Attribute(Vec<(Reply, Reply)>, Box<Reply>),
    /// Nothing goes on the wire: the client turned its replies off (CLIENT REPLY OFF
    /// or SKIP).
    Silent,
    /// Bytes that go on the wire as they are, in either protocol: what SYNC sends (the
    /// RDB file as a bulk without its final CRLF, then the replication stream).
    Raw(Vec<u8>),
}

/// The protocol a connection speaks: RESP2 until `HELLO 3`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    #[default]
    Resp2,
    Resp3,
}

impl Reply {
    pub fn ok() -> Reply {
        Reply::Status("OK".into())
    }
    pub fn status(s: impl Into<String>) -> Reply {
        Reply::Status(s.into())
    }
    pub fn err(s: impl Into<String>) -> Reply {
        Reply::Error(s.into())
    }
    pub fn bulk(b: impl Into<Vec<u8>>) -> Reply {
        Reply::Bulk(Some(b.into()))
    }
    pub fn nil() -> Reply {
        Reply::Bulk(None)
    }
    pub fn array(items: Vec<Reply>) -> Reply {
        Reply::Array(Some(items))
    }
    pub fn int(n: impl TryInto<i64>) -> Reply {
        Reply::Integer(n.try_into().unwrap_or(i64::MAX))
    }
    pub fn bulks<I, B>(items: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: Into<Vec<u8>>,
    {
        Reply::Array(Some(items.into_iter().map(Reply::bulk).collect()))
    }

    /// A map from alternating keys and values.
    pub fn map_flat(items: Vec<Reply>) -> Reply {
        let mut pairs = Vec::with_capacity(items.len() / 2);
        let mut it = items.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            pairs.push((k, v));
        }
        Reply::Map(pairs)
    }

    /// The reply as a client of `protocol` receives it: RESP2 flattens the RESP3 shapes.
    pub fn for_protocol(self, protocol: Protocol) -> Reply {
        if protocol == Protocol::Resp3 {
            return self;
        }
        match self {
            Reply::Map(pairs) => Reply::Array(Some(
                pairs
                    .into_iter()
                    .flat_map(|(k, v)| [k.for_protocol(protocol), v.for_protocol(protocol)])
                    .collect(),
            )),
            Reply::Set(items) | Reply::Array(Some(items)) => Reply::Array(Some(
                items
                    .into_iter()
                    .map(|i| i.for_protocol(protocol))
                    .collect(),
            )),
            Reply::Double(d) => Reply::Bulk(Some(d.into_bytes())),
            Reply::Verbatim(t) => Reply::Bulk(Some(t.into_bytes())),
            Reply::Boolean(b) => Reply::Integer(i64::from(b)),
            Reply::BigNumber(n) => Reply::Bulk(Some(n.into_bytes())),
            Reply::Attribute(_, reply) => reply.for_protocol(protocol),
            other => other,
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// The error text when this is an error reply.
    pub fn error_text(&self) -> Option<&str> {
        match self {
            Reply::Error(e) => Some(e),
            _ => None,
        }
    }

    /// Encodes the reply in RESP2, as it goes on the wire.
    pub fn to_resp(&self) -> Vec<u8> {
        self.encode(Protocol::Resp2)
    }

    /// Encodes the reply for a connection speaking `protocol`. RESP3 shapes must already
    /// be flattened for RESP2 ([`Reply::for_protocol`]); nil is `_` in RESP3.
    pub fn encode(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_resp(&mut out, protocol);
        out
    }

    /// [`Reply::encode`], appending to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>, protocol: Protocol) {
        self.write_resp(out, protocol);
    }

    fn write_resp(&self, out: &mut Vec<u8>, protocol: Protocol) {
        match self {
            Reply::Bulk(None) | Reply::Array(None) if protocol == Protocol::Resp3 => {
                out.push(b'_');
            }
            Reply::Silent => return,
            Reply::Raw(bytes) => {
                out.extend_from_slice(bytes);
                return;
            }
            Reply::Boolean(b) => out.extend_from_slice(if *b { b"#t" } else { b"#f" }),
            Reply::BigNumber(n) => {
                out.push(b'(');
                out.extend_from_slice(n.as_bytes());
            }
            Reply::Attribute(attrs, reply) => {
                out.extend_from_slice(format!("|{}\r\n", attrs.len()).as_bytes());
                for (k, v) in attrs {
                    k.write_resp(out, protocol);
                    v.write_resp(out, protocol);
                }
                reply.write_resp(out, protocol);
                return;
            }
            Reply::Status(s) => {
                out.push(b'+');
                out.extend_from_slice(s.as_bytes());
            }
            Reply::Error(s) => {
                out.push(b'-');
                out.extend_from_slice(s.as_bytes());
            }
            Reply::Integer(n) => out.extend_from_slice(format!(":{n}").as_bytes()),
            Reply::Bulk(None) => out.extend_from_slice(b"$-1"),
            Reply::Bulk(Some(b)) => {
                out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
                out.extend_from_slice(b);
            }
            Reply::Array(None) => out.extend_from_slice(b"*-1"),
            Reply::Array(Some(items)) | Reply::Set(items) => {
                let kind = if matches!(self, Reply::Set(_)) {
                    '~'
                } else {
                    '*'
                };
                out.extend_from_slice(format!("{kind}{}\r\n", items.len()).as_bytes());
                for item in items {
                    item.write_resp(out, protocol);
                }
                return;
            }
            Reply::Map(pairs) => {
                out.extend_from_slice(format!("%{}\r\n", pairs.len()).as_bytes());
                for (k, v) in pairs {
                    k.write_resp(out, protocol);
                    v.write_resp(out, protocol);
                }
                return;
            }
            Reply::Double(d) => out.extend_from_slice(format!(",{d}").as_bytes()),
            Reply::Verbatim(t) => {
                out.extend_from_slice(format!("={}\r\ntxt:", t.len() + 4).as_bytes());
                out.extend_from_slice(t.as_bytes());
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

impl Reply {
    /// Reads one reply (RESP2 or RESP3) from the start of `input`: the reply and the bytes
    /// it took, or `None` if the input is incomplete or malformed.
    pub fn parse(input: &[u8]) -> Option<(Reply, usize)> {
        let end = input.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(input.get(1..end)?).ok()?;
        let mut used = end + 2;
        let number = || line.parse::<i64>().ok();
        let items = |n: i64, used: &mut usize| -> Option<Vec<Reply>> {
            let mut out = Vec::new();
            for _ in 0..n {
                let (item, len) = Reply::parse(input.get(*used..)?)?;
                *used += len;
                out.push(item);
            }
            Some(out)
        };
        let reply = match input.first()? {
            b'+' => Reply::Status(line.to_string()),
            b'-' => Reply::Error(line.to_string()),
            b':' => Reply::Integer(number()?),
            b'_' => Reply::Bulk(None),
            b',' => Reply::Double(line.to_string()),
            b'#' => Reply::Boolean(line == "t"),
            b'(' => Reply::BigNumber(line.to_string()),
            b'$' | b'=' => {
                let n = number()?;
                if n < 0 {
                    return Some((Reply::Bulk(None), used));
                }
                let end = used.checked_add(usize::try_from(n).ok()?)?;
                let body = input.get(used..end)?.to_vec();
                if input.get(end..end + 2)? != b"\r\n" {
                    return None;
                }
                used = end + 2;
                if input.first() == Some(&b'=') {
                    let text = String::from_utf8(body).ok()?;
                    Reply::Verbatim(text.get(4..)?.to_string())
                } else {
                    Reply::Bulk(Some(body))
                }
            }
            b'*' if number()? < 0 => Reply::Array(None),
            b'*' => Reply::Array(Some(items(number()?, &mut used)?)),
            b'~' => Reply::Set(items(number()?, &mut used)?),
            b'%' => Reply::map_flat(items(number()?.checked_mul(2)?, &mut used)?),
            // Attributes come before the reply they describe.
            b'|' => {
                let Reply::Map(pairs) =
                    Reply::map_flat(items(number()?.checked_mul(2)?, &mut used)?)
                else {
                    return None;
                };
                let (inner, len) = Reply::parse(input.get(used..)?)?;
                used += len;
                Reply::Attribute(pairs, Box::new(inner))
            }
            _ => return None,
        };
        Some((reply, used))
    }
}

/// Encodes a command as a RESP array of bulk strings (the replication stream's form).
pub fn encode_command(args: &[Vec<u8>]) -> Vec<u8> {
    Reply::Array(Some(args.iter().map(|a| Reply::bulk(a.clone())).collect())).to_resp()
}

/// The RESP length of a command, without building it.
pub fn command_resp_len(args: &[Vec<u8>]) -> u64 {
    fn digits(n: usize) -> u64 {
        u64::from(n.checked_ilog10().map_or(1, |d| d + 1))
    }
    let mut len = 1 + digits(args.len()) + 2;
    for a in args {
        len += 1 + digits(a.len()) + 2 + a.len() as u64 + 2;
    }
    len
}

/// Formats a double as Redis 7.0 replies it (`%.17g`, `inf`, `-inf`).
pub fn format_double(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    format_g17(v)
}

/// C's `printf("%.17g", v)` for finite values.
pub fn format_g17(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{:.16e}", v);
    let (mantissa, exp) = sci.split_once('e').expect("exponent in {:e}");
    let exp: i32 = exp.parse().expect("integer exponent");
    if !(-4..17).contains(&exp) {
        let m = strip_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (16 - exp).max(0) as usize;
        strip_zeros(&format!("{:.*}", decimals, v)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_gives_none_for_every_truncation_and_never_panics() {
        let whole = Reply::array(vec![
            Reply::bulk("abc"),
            Reply::Attribute(
                vec![(Reply::bulk("a"), Reply::Boolean(true))],
                Box::new(Reply::BigNumber("12345678901234567890".into())),
            ),
            Reply::Map(vec![(Reply::bulk("k"), Reply::Integer(7))]),
            Reply::Set(vec![Reply::Double("1.5".into())]),
        ])
        .encode(Protocol::Resp3);
        assert!(Reply::parse(&whole).is_some_and(|(_, used)| used == whole.len()));
        for cut in 0..whole.len() {
            assert_eq!(Reply::parse(&whole[..cut]), None, "cut at {cut}");
        }
        assert_eq!(Reply::parse(b"$9223372036854775807\r\nab\r\n"), None);
        assert_eq!(Reply::parse(b"%9223372036854775807\r\n"), None);
        assert_eq!(Reply::parse(b"$3\r\nabcXY"), None);
        assert_eq!(Reply::parse(b"\r\n"), None);
        assert_eq!(Reply::parse(b"*1\r\n\r\n"), None);
    }

    #[test]
    fn resp_encoding() {
        assert_eq!(Reply::ok().to_resp(), b"+OK\r\n");
        assert_eq!(Reply::nil().to_resp(), b"$-1\r\n");
        assert_eq!(
            Reply::array(vec![Reply::Integer(1), Reply::bulk("a")]).to_resp(),
            b"*2\r\n:1\r\n$1\r\na\r\n"
        );
    }

    #[test]
    fn resp3_shapes_and_their_resp2_forms() {
        let attributed = Reply::Attribute(
            vec![(Reply::bulk("k"), Reply::Integer(90))],
            Box::new(Reply::Boolean(false)),
        );
        assert_eq!(
            attributed.clone().encode(Protocol::Resp3),
            b"|1\r\n$1\r\nk\r\n:90\r\n#f\r\n"
        );
        let resp2 = |r: Reply| r.for_protocol(Protocol::Resp2).to_resp();
        assert_eq!(resp2(attributed), b":0\r\n");
        let big = Reply::BigNumber("123".into());
        assert_eq!(big.clone().encode(Protocol::Resp3), b"(123\r\n");
        assert_eq!(resp2(big), b"$3\r\n123\r\n");
        assert_eq!(resp2(Reply::Boolean(true)), b":1\r\n");
        assert!(Reply::Silent.encode(Protocol::Resp3).is_empty());
        let map = Reply::map_flat(vec![Reply::bulk("a"), Reply::Double("1.5".into())]);
        assert_eq!(map.encode(Protocol::Resp3), b"%1\r\n$1\r\na\r\n,1.5\r\n");
        assert_eq!(
            map.for_protocol(Protocol::Resp2).to_resp(),
            b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n"
        );
        let set = Reply::Set(vec![Reply::nil()]);
        assert_eq!(set.encode(Protocol::Resp3), b"~1\r\n_\r\n");
        assert_eq!(
            Reply::Verbatim("x\r\n".into()).encode(Protocol::Resp3),
            b"=7\r\ntxt:x\r\n\r\n"
        );
        assert_eq!(
            Reply::Verbatim("x".into())
                .for_protocol(Protocol::Resp2)
                .to_resp(),
            b"$1\r\nx\r\n"
        );
    }

    #[test]
    fn parse_reads_back_what_encode_writes() {
        let reply = Reply::array(vec![
            Reply::map_flat(vec![Reply::bulk("k"), Reply::Set(vec![Reply::status("s")])]),
            Reply::Double("2.5".into()),
            Reply::Verbatim("a\r\nb".into()),
            Reply::nil(),
            Reply::Integer(-3),
            Reply::err("ERR x"),
        ]);
        let bytes = reply.encode(Protocol::Resp3);
        assert_eq!(Reply::parse(&bytes), Some((reply, bytes.len())));
        assert_eq!(Reply::parse(b"*2\r\n:1\r\n"), None);
        assert_eq!(Reply::parse(b"?\r\n"), None);
    }

    #[test]
    fn command_lengths_match_the_replication_stream() {
        let set: Vec<Vec<u8>> = vec![b"SET".to_vec(), b"mykey".to_vec(), b"myvalue".to_vec()];
        assert_eq!(command_resp_len(&set), 37);
        assert_eq!(encode_command(&set).len(), 37);
        assert_eq!(command_resp_len(&[b"SELECT".to_vec(), b"0".to_vec()]), 23);
        assert_eq!(command_resp_len(&[b"PING".to_vec()]), 14);
    }
}
