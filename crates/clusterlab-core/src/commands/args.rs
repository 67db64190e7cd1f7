//! Argument parsing with Redis's own error texts.

use crate::reply::Reply;
pub use crate::reply::{format_double, format_g17};

pub const ERR_NOT_INTEGER: &str = "ERR value is not an integer or out of range";
pub const ERR_NOT_FLOAT: &str = "ERR value is not a valid float";
pub const ERR_SYNTAX: &str = "ERR syntax error";
pub const ERR_WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const ERR_OVERFLOW: &str = "ERR increment or decrement would overflow";

/// Parses a signed 64-bit integer as `string2ll` does (no spaces, no `+`, no leading zeros).
pub fn parse_i64(arg: &[u8]) -> Result<i64, Reply> {
    crate::keyspace::parse_canonical_i64(arg).ok_or_else(|| Reply::err(ERR_NOT_INTEGER))
}

/// Parses a float as `getDoubleFromObject` does: `strtod` over the whole text (decimal,
/// hexadecimal, `inf`), no leading space, no overflow to infinity or underflow to zero,
/// no NaN.
pub fn parse_f64(arg: &[u8], err: &str) -> Result<f64, Reply> {
    let (v, used, erange) = strtod(arg);
    let bad = arg.is_empty()
        || arg[0].is_ascii_whitespace()
        || used != arg.len()
        || (erange && (v.is_infinite() || v == 0.0))
        || v.is_nan();
    if bad {
        Err(Reply::err(err))
    } else {
        Ok(v)
    }
}

/// C's `strtod` on a byte string: the value, how many bytes it read (0 when it read no
/// number), and whether it reported ERANGE (overflow, or a nonzero number read as zero).
pub fn strtod(t: &[u8]) -> (f64, usize, bool) {
    let mut i = t
        .iter()
        .position(|b| !b" \t\n\r\x0b\x0c".contains(b))
        .unwrap_or(t.len());
    let negative = t.get(i) == Some(&b'-');
    if matches!(t.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let sign = if negative { -1.0 } else { 1.0 };
    let rest = &t[i..];
    let starts =
        |w: &str| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes());
    if starts("infinity") {
        return (sign * f64::INFINITY, i + 8, false);
    }
    if starts("inf") {
        return (sign * f64::INFINITY, i + 3, false);
    }
    if starts("nan") {
        return (f64::NAN, i + 3, false);
    }
    let hex_digit = |b: Option<&u8>| b.is_some_and(u8::is_ascii_hexdigit);
    if starts("0x")
        && (hex_digit(rest.get(2)) || (rest.get(2) == Some(&b'.') && hex_digit(rest.get(3))))
    {
        return hex_float(t, i + 2, sign);
    }
    let begin = i;
    let digits = |i: &mut usize| {
        let from = *i;
        while t.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    let mut n = digits(&mut i);
    if t.get(i) == Some(&b'.') {
        let mut j = i + 1;
        let frac = digits(&mut j);
        if n + frac > 0 {
            n += frac;
            i = j;
        }
    }
    if n == 0 {
        return (0.0, 0, false);
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(t.get(j), Some(b'-' | b'+')) {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    let text = std::str::from_utf8(&t[begin..i]).unwrap_or("0");
    let v: f64 = text.parse().unwrap_or(0.0);
    let nonzero = t[begin..i]
        .iter()
        .take_while(|b| !matches!(b, b'e' | b'E'))
        .any(|b| (b'1'..=b'9').contains(b));
    let erange = v.is_infinite() || (v == 0.0 && nonzero);
    (sign * v, i, erange)
}

/// The hexadecimal form of `strtod` (`0x1.8p3`), from the first digit at `i`.
fn hex_float(t: &[u8], mut i: usize, sign: f64) -> (f64, usize, bool) {
    let mut mantissa = 0.0f64;
    let mut exp: i64 = 0;
    let value = |b: u8| f64::from((b as char).to_digit(16).unwrap_or(0));
    while t.get(i).is_some_and(u8::is_ascii_hexdigit) {
        mantissa = mantissa * 16.0 + value(t[i]);
        i += 1;
    }
    if t.get(i) == Some(&b'.') {
        i += 1;
        while t.get(i).is_some_and(u8::is_ascii_hexdigit) {
            mantissa = mantissa * 16.0 + value(t[i]);
            exp -= 4;
            i += 1;
        }
    }
    if matches!(t.get(i), Some(b'p' | b'P')) {
        let mut j = i + 1;
        let negative = t.get(j) == Some(&b'-');
        if matches!(t.get(j), Some(b'-' | b'+')) {
            j += 1;
        }
        let from = j;
        let mut e: i64 = 0;
        while t.get(j).is_some_and(u8::is_ascii_digit) {
            e = (e * 10 + i64::from(t[j] - b'0')).min(100_000);
            j += 1;
        }
        if j > from {
            exp += if negative { -e } else { e };
            i = j;
        }
    }
    let v = mantissa * 2f64.powi(exp.clamp(-2000, 2000) as i32);
    let erange = v.is_infinite() || (v == 0.0 && mantissa != 0.0);
    (sign * v, i, erange)
}

/// One of two keywords (`LEFT`/`RIGHT`, `MIN`/`MAX`): true for the first, else a syntax
/// error.
pub fn which(arg: &[u8], first: &str, second: &str) -> Result<bool, Reply> {
    if is(arg, first) {
        Ok(true)
    } else if is(arg, second) {
        Ok(false)
    } else {
        Err(Reply::err(ERR_SYNTAX))
    }
}

/// The keys, the side word (true for the first of `words`) and the count of LMPOP,
/// ZMPOP, BLMPOP and BZMPOP (`lmpopGenericCommand`, `zmpopGenericCommand`), with
/// `numkeys` at `numkeys_at`.
pub type MpopArgs<'a> = (&'a [Vec<u8>], bool, Option<usize>);

pub fn mpop_args<'a>(
    args: &'a [Vec<u8>],
    numkeys_at: usize,
    words: (&str, &str),
) -> Result<MpopArgs<'a>, Reply> {
    let numkeys = match parse_i64(&args[numkeys_at]) {
        Ok(n) if n >= 1 => n as usize,
        _ => return Err(Reply::err("ERR numkeys should be greater than 0")),
    };
    let where_at = (numkeys_at + numkeys + 1) as u64;
    if where_at >= args.len() as u64 {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let where_at = where_at as usize;
    let first = which(&args[where_at], words.0, words.1)?;
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && is(&args[j], "count") && j + 1 < args.len() {
            j += 1;
            count = match parse_i64(&args[j]) {
                Ok(n) if n >= 1 => Some(n as usize),
                _ => return Err(Reply::err("ERR count should be greater than 0")),
            };
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    Ok((&args[numkeys_at + 1..where_at], first, count))
}

/// Case-insensitive comparison of an argument with a keyword.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g17_matches_c() {
        assert_eq!(format_g17(1.0), "1");
        assert_eq!(format_g17(1.5), "1.5");
        assert_eq!(format_g17(0.1), "0.10000000000000001");
        assert_eq!(format_g17(-2.5), "-2.5");
        assert_eq!(format_g17(1e20), "1e+20");
        assert_eq!(format_g17(123456789.0), "123456789");
        assert_eq!(format_g17(1e-5), "1.0000000000000001e-05");
        assert_eq!(format_g17(3.0e16), "30000000000000000");
        assert_eq!(format_double(f64::INFINITY), "inf");
    }

    #[test]
    fn integers_parse_like_string2ll() {
        assert_eq!(parse_i64(b"12").ok(), Some(12));
        assert_eq!(parse_i64(b"-3").ok(), Some(-3));
        assert!(parse_i64(b"+3").is_err());
        assert!(parse_i64(b"03").is_err());
        assert!(parse_i64(b" 3").is_err());
        assert!(parse_i64(b"99999999999999999999").is_err());
    }
}
