//! redis-cli's output formats: the TTY form (`--no-raw`) and the raw form that redis-cli
//! uses for INFO, CLUSTER INFO and CLUSTER NODES even on a terminal.

use crate::reply::Reply;

/// Formats a reply as `redis-cli --no-raw` prints it (`cliFormatReplyTTY`).
pub fn format_tty(reply: &Reply) -> String {
    if let Some(text) = unreadable(reply) {
        return text.to_string();
    }
    let mut out = String::new();
    tty(reply, "", &mut out);
    out
}

/// What redis-cli 7.0 prints instead of a reply it cannot show: its hiredis rejects RESP3
/// attributes as a protocol error, and its formatters have no case for big numbers
/// (redis-cli exits after printing that).
fn unreadable(reply: &Reply) -> Option<&'static str> {
    const ATTRIBUTE: &str = "Error: Protocol error, got \"|\" as reply type byte\n";
    const BIG_NUMBER: &str = "Unknown reply type: 13\n";
    match reply {
        Reply::Attribute(..) => Some(ATTRIBUTE),
        Reply::BigNumber(_) => Some(BIG_NUMBER),
        Reply::Array(Some(items)) | Reply::Set(items) => items.iter().find_map(unreadable),
        Reply::Map(pairs) => pairs
            .iter()
            .find_map(|(k, v)| unreadable(k).or_else(|| unreadable(v))),
        _ => None,
    }
}

fn tty(reply: &Reply, prefix: &str, out: &mut String) {
    match reply {
        Reply::Error(e) => {
            out.push_str("(error) ");
            out.push_str(e);
            out.push('\n');
        }
        Reply::Status(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Reply::Integer(n) => {
            out.push_str(&format!("(integer) {n}\n"));
        }
        Reply::Bulk(Some(b)) => {
            out.push_str(&repr(b));
            out.push('\n');
        }
        Reply::Bulk(None) | Reply::Array(None) => out.push_str("(nil)\n"),
        Reply::Double(d) => out.push_str(&format!("(double) {d}\n")),
        // Verbatim text prints as it is, even on a terminal.
        Reply::Verbatim(t) => {
            out.push_str(t);
            out.push('\n');
        }
        Reply::Boolean(b) => out.push_str(if *b { "(true)\n" } else { "(false)\n" }),
        // Shown by `unreadable` instead.
        Reply::BigNumber(_) | Reply::Attribute(..) => {}
        Reply::Silent => {}
        Reply::Raw(bytes) => out.push_str(&String::from_utf8_lossy(bytes)),
        Reply::Array(Some(items)) if items.is_empty() => out.push_str("(empty array)\n"),
        Reply::Set(items) if items.is_empty() => out.push_str("(empty set)\n"),
        Reply::Map(pairs) if pairs.is_empty() => out.push_str("(empty hash)\n"),
        Reply::Array(Some(items)) => aggregate(items.iter().map(|i| (i, None)), ')', prefix, out),
        Reply::Set(items) => aggregate(items.iter().map(|i| (i, None)), '~', prefix, out),
        Reply::Map(pairs) => aggregate(pairs.iter().map(|(k, v)| (k, Some(v))), '#', prefix, out),
    }
}

/// Numbered entries (`1)` arrays, `1~` sets, `1#` maps with `key => value`), nested
/// entries indented under their number.
fn aggregate<'a>(
    entries: impl ExactSizeIterator<Item = (&'a Reply, Option<&'a Reply>)>,
    sep: char,
    prefix: &str,
    out: &mut String,
) {
    let idxlen = entries.len().to_string().len();
    let child_prefix = format!("{prefix}{}", " ".repeat(idxlen + 2));
    for (i, (item, value)) in entries.enumerate() {
        let lead = if i == 0 { "" } else { prefix };
        out.push_str(&format!("{lead}{:>idxlen$}{sep} ", i + 1));
        tty(item, &child_prefix, out);
        if let Some(v) = value {
            out.pop();
            out.push_str(" => ");
            tty(v, &child_prefix, out);
        }
    }
}

/// Formats a reply as redis-cli's raw mode (`cliFormatReplyRaw`), no trailing delimiter.
pub fn format_raw(reply: &Reply) -> Vec<u8> {
    if let Some(text) = unreadable(reply) {
        return text.trim_end().into();
    }
    match reply {
        Reply::Bulk(None) | Reply::Array(None) | Reply::Silent => Vec::new(),
        Reply::Raw(bytes) => bytes.clone(),
        Reply::Boolean(b) => if *b { "(true)" } else { "(false)" }.into(),
        Reply::BigNumber(_) | Reply::Attribute(..) => Vec::new(),
        Reply::Error(e) => format!("{e}\n").into_bytes(),
        Reply::Status(s) => s.clone().into_bytes(),
        Reply::Bulk(Some(b)) => b.clone(),
        Reply::Double(t) | Reply::Verbatim(t) => t.clone().into_bytes(),
        Reply::Integer(n) => n.to_string().into_bytes(),
        Reply::Map(pairs) => {
            let mut out = Vec::new();
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(b'\n');
                }
                out.extend(format_raw(k));
                out.push(b' ');
                out.extend(format_raw(v));
            }
            out
        }
        Reply::Array(Some(items)) | Reply::Set(items) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b'\n');
                }
                out.extend(format_raw(item));
            }
            out
        }
    }
}

/// Whether redis-cli prints this command's reply raw (`cliSendCommand`'s `output_raw`).
pub fn prints_raw(args: &[Vec<u8>]) -> bool {
    let is = |i: usize, w: &str| {
        args.get(i)
            .is_some_and(|a| a.eq_ignore_ascii_case(w.as_bytes()))
    };
    let n = args.len();
    is(0, "info")
        || is(0, "lolwut")
        || (n == 2 && is(0, "cluster") && (is(1, "nodes") || is(1, "info")))
        || (n >= 2 && is(0, "client") && (is(1, "list") || is(1, "info")))
        || (n >= 2 && is(0, "memory") && (is(1, "malloc-stats") || is(1, "doctor")))
        || (n == 2 && is(0, "latency") && is(1, "doctor"))
}

/// Quotes bytes as `sdscatrepr` does: `"a\"b\n\x00"`.
pub fn repr(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &c in bytes {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x07 => s.push_str("\\a"),
            0x08 => s.push_str("\\b"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_format_like_redis_cli() {
        assert_eq!(format_tty(&Reply::ok()), "OK\n");
        assert_eq!(format_tty(&Reply::nil()), "(nil)\n");
        assert_eq!(format_tty(&Reply::Integer(1)), "(integer) 1\n");
        assert_eq!(format_tty(&Reply::bulk("value")), "\"value\"\n");
        assert_eq!(format_tty(&Reply::err("ERR x")), "(error) ERR x\n");
        assert_eq!(format_tty(&Reply::array(vec![])), "(empty array)\n");
        assert_eq!(
            format_tty(&Reply::bulk(b"a\"\x00\xff".to_vec())),
            "\"a\\\"\\x00\\xff\"\n"
        );
    }

    #[test]
    fn nested_arrays_indent_like_redis_cli() {
        let node = Reply::array(vec![
            Reply::bulk("127.0.0.1"),
            Reply::Integer(7001),
            Reply::bulk("id"),
            Reply::array(vec![]),
        ]);
        let r = Reply::array(vec![Reply::array(vec![
            Reply::Integer(0),
            Reply::Integer(5460),
            node,
        ])]);
        let expected = "1) 1) (integer) 0\n   2) (integer) 5460\n   3) 1) \"127.0.0.1\"\n      2) (integer) 7001\n      3) \"id\"\n      4) (empty array)\n";
        assert_eq!(format_tty(&r), expected);
    }

    #[test]
    fn two_digit_indices_are_right_aligned() {
        let items: Vec<Reply> = (0..10).map(Reply::Integer).collect();
        let r = Reply::array(vec![Reply::array(items)]);
        let out = format_tty(&r);
        assert!(
            out.starts_with("1)  1) (integer) 0\n    2) (integer) 1\n"),
            "{out}"
        );
        assert!(out.ends_with("   10) (integer) 9\n"), "{out}");
    }
}
