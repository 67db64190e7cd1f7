//! Argument parsing with Redis's own error texts.

use crate::reply::Reply;

pub const ERR_NOT_INTEGER: &str = "ERR value is not an integer or out of range";
pub const ERR_NOT_FLOAT: &str = "ERR value is not a valid float";
pub const ERR_SYNTAX: &str = "ERR syntax error";
pub const ERR_WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const ERR_OVERFLOW: &str = "ERR increment or decrement would overflow";

/// Parses a signed 64-bit integer as `string2ll` does (no spaces, no `+`, no leading zeros).
pub fn parse_i64(arg: &[u8]) -> Result<i64, Reply> {
    crate::keyspace::parse_canonical_i64(arg).ok_or_else(|| Reply::err(ERR_NOT_INTEGER))
}

/// Parses a float as `getDoubleFromObject` does (`inf`, `-inf`, `1e3`; no NaN, no spaces).
pub fn parse_f64(arg: &[u8], err: &str) -> Result<f64, Reply> {
    let s = std::str::from_utf8(arg).map_err(|_| Reply::err(err))?;
    if s.is_empty() || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return Err(Reply::err(err));
    }
    let lower = s.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => s.parse::<f64>().map_err(|_| Reply::err(err))?,
    };
    if v.is_nan() {
        return Err(Reply::err(err));
    }
    Ok(v)
}

/// Case-insensitive comparison of an argument with a keyword.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
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
