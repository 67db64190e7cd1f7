//! Reading client requests off a byte stream, as `processInputBuffer` does: RESP arrays of
//! bulk strings (`*2\r\n$3\r\nGET\r\n…`) or inline commands (`GET key\n`), with Redis 7.0's
//! protocol-error texts. Sans-IO: bytes go in, commands or an error come out. After an
//! error Redis replies with it and closes the connection; so must the caller.

use crate::console::split_args;

/// Longest line (inline request, or a `*N`/`$N` header) Redis reads before giving up.
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;
/// Largest bulk string accepted (Redis's `proto-max-bulk-len` is 512 MB; ClusterLab's
/// simulated nodes take 16 MB, with Redis's error text beyond it).
pub const PROTO_MAX_BULK_LEN: i64 = 16 * 1024 * 1024;
/// Most arguments in one request (Redis allows INT_MAX; a simulation needs far fewer).
pub const MAX_ARGS: i64 = 1024 * 1024;

/// What the buffer holds next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// A complete command.
    Command(Vec<Vec<u8>>),
    /// More bytes are needed.
    Incomplete,
    /// A protocol error: reply with this error text (`ERR Protocol error: …`), then close.
    Error(String),
}

/// A connection's query buffer.
#[derive(Clone, Debug, Default)]
pub struct RequestReader {
    buf: Vec<u8>,
    pos: usize,
}

impl RequestReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes read from the socket.
    pub fn feed(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// Bytes received but not yet consumed.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next request; empty requests (`*0`, blank lines) are skipped.
    pub fn next_request(&mut self) -> Request {
        loop {
            let rest = &self.buf[self.pos..];
            if rest.is_empty() {
                return Request::Incomplete;
            }
            let parsed = if rest[0] == b'*' {
                multibulk(rest)
            } else {
                inline(rest)
            };
            match parsed {
                Parsed::Done(used, args) => {
                    self.pos += used;
                    if self.pos == self.buf.len() {
                        self.buf.clear();
                        self.pos = 0;
                    }
                    if !args.is_empty() {
                        return Request::Command(args);
                    }
                }
                Parsed::Incomplete => return Request::Incomplete,
                Parsed::Error(e) => return Request::Error(format!("ERR Protocol error: {e}")),
            }
        }
    }
}

enum Parsed {
    Done(usize, Vec<Vec<u8>>),
    Incomplete,
    Error(String),
}

/// `string2ll`: an optional minus, digits, no leading zeros, no sign on zero.
fn string2ll(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty()
        || !digits.bytes().all(|c| c.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
        || (s.starts_with('-') && digits == "0")
    {
        return None;
    }
    s.parse().ok()
}

fn inline(rest: &[u8]) -> Parsed {
    let Some(nl) = rest.iter().position(|&c| c == b'\n') else {
        if rest.len() > PROTO_INLINE_MAX_SIZE {
            return Parsed::Error("too big inline request".into());
        }
        return Parsed::Incomplete;
    };
    let line_end = if nl > 0 && rest[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    let line = String::from_utf8_lossy(&rest[..line_end]);
    match split_args(&line) {
        Some(args) => Parsed::Done(nl + 1, args),
        None => Parsed::Error("unbalanced quotes in request".into()),
    }
}

/// Reads a `\r\n`-terminated header line starting at `at`: `Ok(None)` if incomplete.
fn header(rest: &[u8], at: usize, too_big: &str) -> Result<Option<(usize, usize)>, String> {
    match rest[at..].iter().position(|&c| c == b'\r') {
        None if rest.len() - at > PROTO_INLINE_MAX_SIZE => Err(too_big.into()),
        None => Ok(None),
        Some(cr) if at + cr + 1 >= rest.len() => Ok(None),
        Some(cr) => Ok(Some((at + cr, at + cr + 2))),
    }
}

fn multibulk(rest: &[u8]) -> Parsed {
    let (count_end, mut at) = match header(rest, 0, "too big mbulk count string") {
        Ok(Some(h)) => h,
        Ok(None) => return Parsed::Incomplete,
        Err(e) => return Parsed::Error(e),
    };
    let count = match string2ll(&rest[1..count_end]) {
        Some(n) if n <= MAX_ARGS => n,
        _ => return Parsed::Error("invalid multibulk length".into()),
    };
    let mut args = Vec::with_capacity(count.clamp(0, 1024) as usize);
    for _ in 0..count.max(0) {
        if at >= rest.len() {
            return Parsed::Incomplete;
        }
        let (len_end, data) = match header(rest, at, "too big bulk count string") {
            Ok(Some(h)) => h,
            Ok(None) => return Parsed::Incomplete,
            Err(e) => return Parsed::Error(e),
        };
        if rest[at] != b'$' {
            return Parsed::Error(format!("expected '$', got '{}'", rest[at] as char));
        }
        let len = match string2ll(&rest[at + 1..len_end]) {
            Some(n) if (0..=PROTO_MAX_BULK_LEN).contains(&n) => n as usize,
            _ => return Parsed::Error("invalid bulk length".into()),
        };
        if rest.len() < data + len + 2 {
            return Parsed::Incomplete;
        }
        args.push(rest[data..data + len].to_vec());
        at = data + len + 2;
    }
    Parsed::Done(at, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_all(bytes: &[u8]) -> Vec<Request> {
        let mut r = RequestReader::new();
        r.feed(bytes);
        let mut out = Vec::new();
        loop {
            match r.next_request() {
                Request::Incomplete => return out,
                e @ Request::Error(_) => {
                    out.push(e);
                    return out;
                }
                c => out.push(c),
            }
        }
    }

    fn cmd(words: &[&str]) -> Request {
        Request::Command(words.iter().map(|w| w.as_bytes().to_vec()).collect())
    }

    #[test]
    fn resp_and_inline_requests() {
        assert_eq!(
            read_all(b"*2\r\n$3\r\nGET\r\n$5\r\nmykey\r\nPING\r\n\r\nset a \"b c\"\n*0\r\n"),
            vec![
                cmd(&["GET", "mykey"]),
                cmd(&["PING"]),
                cmd(&["set", "a", "b c"])
            ]
        );
        assert_eq!(read_all(b"*2\r\n$3\r\nGET\r\n$5\r\nmyk"), vec![]);
        assert_eq!(read_all(b"*-1\r\nPING\r\n"), vec![cmd(&["PING"])]);
    }

    #[test]
    fn protocol_errors_have_redis_texts() {
        let err = |b: &[u8]| match read_all(b).pop() {
            Some(Request::Error(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            err(b"*x\r\n"),
            "ERR Protocol error: invalid multibulk length"
        );
        assert_eq!(
            err(b"*1\r\n+GET\r\n"),
            "ERR Protocol error: expected '$', got '+'"
        );
        assert_eq!(
            err(b"*1\r\n$-5\r\n"),
            "ERR Protocol error: invalid bulk length"
        );
        assert_eq!(
            err(b"*1\r\n$99999999999\r\n"),
            "ERR Protocol error: invalid bulk length"
        );
        assert_eq!(
            err(b"set \"a\n"),
            "ERR Protocol error: unbalanced quotes in request"
        );
        assert_eq!(
            err(&[b'x'; 70_000]),
            "ERR Protocol error: too big inline request"
        );
        let mut big = b"*".to_vec();
        big.extend([b'1'; 70_000]);
        assert_eq!(err(&big), "ERR Protocol error: too big mbulk count string");
    }

    #[test]
    fn bytes_split_anywhere_give_the_same_commands() {
        let stream = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\nGET k\r\n*1\r\n$4\r\nPING\r\n";
        let whole = read_all(stream);
        for cut in 1..stream.len() {
            let mut r = RequestReader::new();
            let mut got = Vec::new();
            for part in [&stream[..cut], &stream[cut..]] {
                r.feed(part);
                while let Request::Command(c) = r.next_request() {
                    got.push(Request::Command(c));
                }
            }
            assert_eq!(got, whole, "cut at {cut}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// Any bytes in any pieces: the reader never panics and never loops forever.
        #[test]
        fn garbage_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)) {
            let mut r = RequestReader::new();
            for c in &chunks {
                r.feed(c);
                for _ in 0..1000 {
                    match r.next_request() {
                        Request::Command(_) => continue,
                        _ => break,
                    }
                }
            }
        }

        /// Near-RESP input (markers, lengths, quotes, line ends) reaches the deep paths:
        /// multibulk and bulk lengths, inline quoting, half-sent frames.
        #[test]
        fn near_resp_never_panics(tokens in proptest::collection::vec(proptest::sample::select(vec![
            "*", "$", "\r\n", "\n", "-1", "0", "1", "3", "-5", "+7", "1048577",
            "99999999999999999999", "536870912", "SET", "k", " ", "\"", "'", "\\x4",
            "\\", "\0", "*3\r\n$3\r\nSET\r\n", "$5\r\nhello\r\n",
        ]), 0..40)) {
            let mut r = RequestReader::new();
            for t in &tokens {
                r.feed(t.as_bytes());
                for _ in 0..1000 {
                    match r.next_request() {
                        Request::Command(_) => continue,
                        _ => break,
                    }
                }
            }
        }
    }
}
