//! The x87 `long double` Redis computes INCRBYFLOAT (and HINCRBYFLOAT) with on x86-64:
//! 64 bits of mantissa, parsed as `strtold` parses, added with round-to-nearest-even, and
//! printed as `ld2string`'s human mode prints (`%.17Lf` without trailing zeros). An `f64`
//! would answer `0.1 + 0.2` with `0.30000000000000004` where Redis answers `0.3`.

use num_bigint::BigUint;
use rustc_apfloat::ieee::X87DoubleExtended;
use rustc_apfloat::{Float, Round};

/// The longest text `string2ld` accepts is one byte shorter (`MAX_LONG_DOUBLE_CHARS`).
const MAX_CHARS: usize = 5 * 1024;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LongDouble(X87DoubleExtended);

impl std::ops::Add for LongDouble {
    type Output = LongDouble;

    /// The x87 sum, rounded to nearest, ties to even.
    fn add(self, other: LongDouble) -> LongDouble {
        LongDouble(self.0.add_r(other.0, Round::NearestTiesToEven).value)
    }
}

impl LongDouble {
    pub const ZERO: LongDouble = LongDouble(X87DoubleExtended::ZERO);

    /// `string2ld`: the whole text is a number `strtold` reads (decimal, hexadecimal or
    /// `inf`), with no leading space, no overflow to infinity, no underflow to zero and no
    /// NaN.
    pub fn parse(text: &[u8]) -> Option<LongDouble> {
        if text.is_empty() || text.len() >= MAX_CHARS {
            return None;
        }
        let text = std::str::from_utf8(text).ok()?;
        let (negative, body) = match text.as_bytes()[0] {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let magnitude = if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity")
        {
            X87DoubleExtended::INFINITY
        } else {
            let (source, nonzero) = number_syntax(body)?;
            let value = X87DoubleExtended::from_str_r(&source, Round::NearestTiesToEven)
                .ok()?
                .value;
            // `strtold` reports ERANGE for both; `string2ld` refuses them.
            if value.is_infinite() || (value.is_zero() && nonzero) {
                return None;
            }
            value
        };
        Some(LongDouble(if negative { -magnitude } else { magnitude }))
    }

    pub fn from_i64(v: i64) -> LongDouble {
        LongDouble(X87DoubleExtended::from_i128(i128::from(v)).value)
    }

    /// `(long long) ceill(self * 1000.0)` on x86-64, as a blocking command's timeout is
    /// turned into milliseconds: the x87 product, rounded up, and an out-of-range
    /// conversion giving `LLONG_MIN`.
    pub fn ceil_millis(self) -> i64 {
        let thousand = X87DoubleExtended::from_i128(1000).value;
        let product = self.0.mul_r(thousand, Round::NearestTiesToEven).value;
        if !product.is_finite() {
            return i64::MIN;
        }
        let up = product.round_to_integral(Round::TowardPositive).value;
        let v = up.to_i128(64);
        if v.status.contains(rustc_apfloat::Status::INVALID_OP) {
            i64::MIN
        } else {
            v.value as i64
        }
    }

    pub fn is_finite(self) -> bool {
        self.0.is_finite()
    }

    /// `ld2string(…, LD_STR_HUMAN)`: 17 decimals rounded half to even, then trailing zeros
    /// and a bare point removed, and `-0` written `0`.
    pub fn to_human(self) -> String {
        if self.0.is_infinite() {
            return if self.0.is_negative() { "-inf" } else { "inf" }.into();
        }
        let bits = self.0.to_bits();
        let mantissa = bits as u64;
        let biased = ((bits >> 64) & 0x7fff) as i64;
        let negative = (bits >> 79) & 1 == 1;
        // value = mantissa × 2^shift (denormals use the smallest exponent).
        let shift = biased.max(1) - 16383 - 63;
        let scale = BigUint::from(10u64.pow(17));
        let scaled = BigUint::from(mantissa) * &scale;
        let rounded = if shift >= 0 {
            scaled << shift as usize
        } else {
            let s = (-shift) as usize;
            let quotient = &scaled >> s;
            let remainder = &scaled - (&quotient << s);
            let half = BigUint::from(1u8) << (s - 1);
            let odd = quotient.bit(0);
            if remainder > half || (remainder == half && odd) {
                quotient + 1u8
            } else {
                quotient
            }
        };
        let integer = &rounded / &scale;
        let fraction = (&rounded % &scale).to_string();
        let mut text = format!(
            "{}{integer}.{fraction:0>17}",
            if negative { "-" } else { "" }
        );
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
        if text == "-0" {
            text = "0".into();
        }
        text
    }
}

/// Checks `strtold`'s decimal (`1`, `1.`, `.5`, `2.5e-3`) and hexadecimal (`0x1.8p3`,
/// `0x10`) forms, unsigned, and returns the text for the parser (hexadecimal gets the
/// binary exponent it may omit) and whether any digit is nonzero.
fn number_syntax(body: &str) -> Option<(String, bool)> {
    let bytes = body.as_bytes();
    let hex = bytes.len() > 2 && bytes[0] == b'0' && (bytes[1] | 0x20) == b'x';
    let digits_of = |b: u8| {
        if hex {
            b.is_ascii_hexdigit()
        } else {
            b.is_ascii_digit()
        }
    };
    let mut i = if hex { 2 } else { 0 };
    let start = i;
    let mut digits = 0;
    let mut nonzero = false;
    while i < bytes.len() && (digits_of(bytes[i]) || bytes[i] == b'.') {
        if bytes[i] == b'.' {
            if body[start..i].contains('.') {
                return None;
            }
        } else {
            digits += 1;
            nonzero |= bytes[i] != b'0';
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    let exponent_mark = if hex { b'p' } else { b'e' };
    if i < bytes.len() {
        if (bytes[i] | 0x20) != exponent_mark {
            return None;
        }
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j == bytes.len() || !bytes[j..].iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    let mut source = body.to_string();
    if hex && i == bytes.len() {
        source.push_str("p0");
    }
    Some((source, nonzero))
}

#[cfg(test)]
mod tests {
    use super::LongDouble;

    fn sum(a: &str, b: &str) -> String {
        let a = LongDouble::parse(a.as_bytes()).unwrap();
        let b = LongDouble::parse(b.as_bytes()).unwrap();
        (a + b).to_human()
    }

    /// Each figure is what Redis 7.0.15 on x86-64 answered.
    #[test]
    fn timeouts_round_up_in_extended_precision() {
        let ms = |t: &str| LongDouble::parse(t.as_bytes()).map(LongDouble::ceil_millis);
        // 0.253 is a hair above 253/1000 in 64 bits of mantissa (a double says 253).
        assert_eq!(ms("0.253"), Some(254));
        assert_eq!(ms("1.5"), Some(1500));
        assert_eq!(ms("0"), Some(0));
        assert_eq!(ms("1e-400"), Some(1));
        assert_eq!(ms("inf"), Some(i64::MIN));
        assert_eq!(ms("1e16"), Some(i64::MIN));
        assert_eq!(ms(" 1"), None);
    }

    #[test]
    fn sums_as_redis_prints_them() {
        assert_eq!(sum("0.1", "0.2"), "0.3");
        assert_eq!(sum("0.3", "1e-20"), "0.3");
        assert_eq!(sum("0.3", "3.0e15"), "3000000000000000.300048828125");
        assert_eq!(sum("5", "1.23456789012345678"), "6.23456789012345678");
        assert_eq!(sum("6.23456789012345678", "-1e-5"), "6.23455789012345678");
        assert_eq!(sum("10.5", "5.0e3"), "5010.5");
        assert_eq!(sum("5010.5", "-5010.5"), "0");
        assert_eq!(sum("-0.1", "0.1"), "0");
        assert_eq!(sum("0", "-1e-30"), "0");
        assert_eq!(sum("1", "0x1.8p1"), "4");
        assert_eq!(sum("0x10", "1."), "17");
        assert_eq!(sum(".5", "-2"), "-1.5");
    }

    #[test]
    fn huge_values_print_every_digit() {
        let text = sum("3000000000000000.300048828125", "1.5e300");
        assert!(text.starts_with("15000000000000000000498001098614721663623792391186739285512197182489735299298127087928543105758309306865306445660502294069266467393110176069842582883774341439376027781967106612346559441957708385132688468261502054186329955472718748270729362305949200132411903639944718860805673366159116945090466147205"));
        assert_eq!(text.len(), 301);
    }

    #[test]
    fn strtold_syntax() {
        for bad in [
            "", " 1", "1 ", "abc", "1e", "1e+", "0x", "1.2.3", "nan", "-nan", "1e99999",
            "1e-99999", "++1", ".", "0xg",
        ] {
            assert!(LongDouble::parse(bad.as_bytes()).is_none(), "{bad:?}");
        }
        for good in [
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "1e5",
            "1E-5",
            "0x1p-2",
            "inf",
            "-Infinity",
            "0",
        ] {
            assert!(LongDouble::parse(good.as_bytes()).is_some(), "{good:?}");
        }
        assert!(!LongDouble::parse(b"inf").unwrap().is_finite());
        assert_eq!(LongDouble::from_i64(-7).to_human(), "-7");
        assert_eq!(LongDouble::parse(b"1e-4940").unwrap().to_human(), "0");
    }
}
