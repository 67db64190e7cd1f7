//! Replies as data. A MOVED redirect or a WRONGTYPE error is a value, never a Rust error.

/// A Redis reply (the RESP2 shapes, plus the RESP3 ones we emit).
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
        let mut out = Vec::new();
        self.write_resp(&mut out);
        out
    }

    fn write_resp(&self, out: &mut Vec<u8>) {
        match self {
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
            Reply::Array(Some(items)) => {
                out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
                for item in items {
                    item.write_resp(out);
                }
                return;
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// Encodes a command as a RESP array of bulk strings (the replication stream's form).
pub fn encode_command(args: &[Vec<u8>]) -> Vec<u8> {
    Reply::Array(Some(args.iter().map(|a| Reply::bulk(a.clone())).collect())).to_resp()
}

/// The RESP length of a command, without building it.
pub fn command_resp_len(args: &[Vec<u8>]) -> u64 {
    fn digits(n: usize) -> u64 {
        n.to_string().len() as u64
    }
    let mut len = 1 + digits(args.len()) + 2;
    for a in args {
        len += 1 + digits(a.len()) + 2 + a.len() as u64 + 2;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn command_lengths_match_the_replication_stream() {
        let set: Vec<Vec<u8>> = vec![b"SET".to_vec(), b"mykey".to_vec(), b"myvalue".to_vec()];
        assert_eq!(command_resp_len(&set), 37);
        assert_eq!(encode_command(&set).len(), 37);
        assert_eq!(command_resp_len(&[b"SELECT".to_vec(), b"0".to_vec()]), 23);
        assert_eq!(command_resp_len(&[b"PING".to_vec()]), 14);
    }
}
