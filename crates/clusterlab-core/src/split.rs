//! Splitting a typed line into arguments exactly as redis-cli does (`sdssplitargs`):
//! blanks separate, `"…"` understands `\n \r \t \b \a \xHH` and `\"`, `'…'` only `\'`, and a
//! closing quote must be followed by a blank or the end.

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// The arguments of `line`, or `None` for unbalanced quotes (redis-cli then prints
/// `Invalid argument(s)`).
pub fn split_args(line: &str) -> Option<Vec<Vec<u8>>> {
    let p = line.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < p.len() && is_blank(p[i]) {
            i += 1;
        }
        if i >= p.len() {
            return Some(out);
        }
        let mut cur = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = p.get(i).copied();
            if inq {
                match c {
                    None => return None,
                    Some(b'\\')
                        if p.get(i + 1) == Some(&b'x')
                            && p.get(i + 2).and_then(|&c| hex(c)).is_some()
                            && p.get(i + 3).and_then(|&c| hex(c)).is_some() =>
                    {
                        cur.push(
                            hex(p[i + 2]).expect("checked") * 16 + hex(p[i + 3]).expect("checked"),
                        );
                        i += 3;
                    }
                    Some(b'\\') if i + 1 < p.len() => {
                        i += 1;
                        cur.push(match p[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        if p.get(i + 1).is_some_and(|&c| !is_blank(c)) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => cur.push(other),
                }
            } else if insq {
                match c {
                    None => return None,
                    Some(b'\\') if p.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        cur.push(b'\'');
                    }
                    Some(b'\'') => {
                        if p.get(i + 1).is_some_and(|&c| !is_blank(c)) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => cur.push(other),
                }
            } else {
                match c {
                    None => break,
                    Some(c) if is_blank(c) => break,
                    Some(b'"') => inq = true,
                    Some(b'\'') => insq = true,
                    Some(other) => cur.push(other),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<Vec<u8>> {
        items.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn splits_like_redis_cli() {
        assert_eq!(split_args("set a b"), Some(v(&["set", "a", "b"])));
        assert_eq!(
            split_args("  set   \"a b\"  'c d' "),
            Some(v(&["set", "a b", "c d"]))
        );
        assert_eq!(
            split_args("set k \"x\\ny\""),
            Some(v(&["set", "k", "x\ny"]))
        );
        assert_eq!(split_args("set k \"\\x41\""), Some(v(&["set", "k", "A"])));
        assert_eq!(split_args("set k 'it\\'s'"), Some(v(&["set", "k", "it's"])));
        assert_eq!(split_args("set k \"\""), Some(v(&["set", "k", ""])));
        assert_eq!(split_args(""), Some(vec![]));
    }

    #[test]
    fn rejects_unbalanced_quotes() {
        assert_eq!(split_args("set \"a"), None);
        assert_eq!(split_args("set 'a"), None);
        assert_eq!(split_args("set \"a\"b"), None);
    }
}
