//! The x87 `long double` Redis computes INCRBYFLOAT (and HINCRBYFLOAT) with on x86-64:
//! 64 bits of mantissa, parsed as `strtold` parses, added with round-to-nearest-even, and
//! printed as `ld2string`'s human mode prints (`%.17Lf` without trailing zeros). An `f64`
//! would answer `0.1 + 0.2` with `0.30000000000000004` where Redis answers `0.3`.

mod nat;

use nat::Nat;

/// The longest text `string2ld` accepts is one byte shorter (`MAX_LONG_DOUBLE_CHARS`).
const MAX_CHARS: usize = 5 * 1024;

/// The exponent of the last mantissa bit of denormals and of the smallest normals.
const MIN_EXP: i64 = -16445;

/// The exponent of the last mantissa bit of the largest finite values.
const MAX_EXP: i64 = 16320;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    /// `mantissa × 2^exp`: normal when the mantissa's top bit is set, zero when it is 0.
    Finite {
        mantissa: u64,
        exp: i64,
    },
    Infinite,
    Nan,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LongDouble {
    negative: bool,
    class: Class,
}

impl std::ops::Add for LongDouble {
    type Output = LongDouble;

    /// The x87 sum, rounded to nearest, ties to even.
    fn add(self, other: LongDouble) -> LongDouble {
        use Class::{Finite, Infinite, Nan};
        match (self.class, other.class) {
            (Nan, _) | (_, Nan) => LongDouble::special(false, Nan),
            (Infinite, Infinite) if self.negative != other.negative => {
                LongDouble::special(false, Nan)
            }
            (Infinite, _) => self,
            (_, Infinite) => other,
            (Finite { mantissa: 0, .. }, Finite { mantissa: 0, .. }) => {
                LongDouble::zero(self.negative && other.negative)
            }
            (Finite { mantissa: 0, .. }, _) => other,
            (_, Finite { mantissa: 0, .. }) => self,
            (
                Finite {
                    mantissa: ma,
                    exp: ea,
                },
                Finite {
                    mantissa: mb,
                    exp: eb,
                },
            ) => {
                let exp = ea.min(eb);
                let a = Nat::from_u128(u128::from(ma)).shl((ea - exp) as u64);
                let b = Nat::from_u128(u128::from(mb)).shl((eb - exp) as u64);
                if self.negative == other.negative {
                    round(self.negative, &a.add(&b), exp, false)
                } else {
                    match a.cmp(&b) {
                        std::cmp::Ordering::Equal => LongDouble::ZERO,
                        std::cmp::Ordering::Greater => round(self.negative, &a.sub(&b), exp, false),
                        std::cmp::Ordering::Less => round(other.negative, &b.sub(&a), exp, false),
                    }
                }
            }
        }
    }
}

impl LongDouble {
    pub const ZERO: LongDouble = LongDouble::zero(false);

    const fn zero(negative: bool) -> LongDouble {
        LongDouble {
            negative,
            class: Class::Finite {
                mantissa: 0,
                exp: MIN_EXP,
            },
        }
    }

    const fn special(negative: bool, class: Class) -> LongDouble {
        LongDouble { negative, class }
    }

    /// `string2ld`: the whole text is a number `strtold` reads (decimal, hexadecimal or
    /// `inf`), with no leading space, no overflow to infinity, no underflow to zero and no
    /// NaN.
    pub fn parse(text: &[u8]) -> Option<LongDouble> {
        if text.is_empty() || text.len() >= MAX_CHARS {
            return None;
        }
        let (negative, body) = match text[0] {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            return Some(LongDouble::special(negative, Class::Infinite));
        }
        let number = number_syntax(body)?;
        let value = number.value(negative);
        match value.class {
            // `strtold` reports ERANGE for both; `string2ld` refuses them.
            Class::Infinite => None,
            Class::Finite { mantissa: 0, .. } if !number.digits.is_zero() => None,
            _ => Some(value),
        }
    }

    /// A double widened exactly, as C converts one to `long double`.
    pub fn from_f64(v: f64) -> LongDouble {
        if v.is_nan() {
            return LongDouble::special(false, Class::Nan);
        }
        if v.is_infinite() {
            return LongDouble::special(v < 0.0, Class::Infinite);
        }
        let bits = v.to_bits();
        let field = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1 << 52) - 1);
        let (mantissa, exp) = if field == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1 << 52), field - 1075)
        };
        round(
            v.is_sign_negative(),
            &Nat::from_u128(u128::from(mantissa)),
            exp,
            false,
        )
    }

    pub fn from_i64(v: i64) -> LongDouble {
        round(
            v < 0,
            &Nat::from_u128(u128::from(v.unsigned_abs())),
            0,
            false,
        )
    }

    /// `(long long) ceill(self * 1000.0)` on x86-64, as a blocking command's timeout is
    /// turned into milliseconds: the x87 product, rounded up, and an out-of-range
    /// conversion giving `LLONG_MIN`.
    pub fn ceil_millis(self) -> i64 {
        let Class::Finite { mantissa, exp } = self.class else {
            return i64::MIN;
        };
        let product = round(
            self.negative,
            &Nat::from_u128(u128::from(mantissa) * 1000),
            exp,
            false,
        );
        let Class::Finite { mantissa, exp } = product.class else {
            return i64::MIN;
        };
        let m = u128::from(mantissa);
        // The magnitude rounded toward positive infinity for the signed value.
        let magnitude = if exp >= 64 {
            None
        } else if exp >= 0 {
            Some(m << exp)
        } else {
            let shift = (-exp) as u32;
            let (whole, fraction) = if shift >= 64 {
                (0, m != 0)
            } else {
                (m >> shift, m & ((1 << shift) - 1) != 0)
            };
            Some(whole + u128::from(fraction && !self.negative))
        };
        match magnitude {
            Some(v) if self.negative && v <= 1 << 63 => (v as i128).wrapping_neg() as i64,
            Some(v) if !self.negative && v < 1 << 63 => v as i64,
            _ => i64::MIN,
        }
    }

    pub fn is_finite(self) -> bool {
        matches!(self.class, Class::Finite { .. })
    }

    /// `ld2string(…, LD_STR_HUMAN)`: 17 decimals rounded half to even, then trailing zeros
    /// and a bare point removed, and `-0` written `0`.
    pub fn to_human(self) -> String {
        let (mantissa, shift) = match self.class {
            Class::Finite { mantissa, exp } => (mantissa, exp),
            Class::Infinite => return if self.negative { "-inf" } else { "inf" }.into(),
            Class::Nan => return if self.negative { "-nan" } else { "nan" }.into(),
        };
        let mut scaled = Nat::from_u128(u128::from(mantissa));
        scaled.mul_add_small(1_000_000_000, 0);
        scaled.mul_add_small(100_000_000, 0);
        let mut rounded = if shift >= 0 {
            scaled.shl(shift as u64)
        } else {
            let s = (-shift) as u64;
            let quotient = scaled.shr(s);
            let half = scaled.bit(s - 1);
            let rest = scaled.any_below(s - 1);
            if half && (rest || quotient.bit(0)) {
                quotient.add(&Nat::from_u128(1))
            } else {
                quotient
            }
        };
        let low = rounded.div_small(1_000_000_000);
        let high = rounded.div_small(100_000_000);
        let fraction = u64::from(high) * 1_000_000_000 + u64::from(low);
        let mut text = format!(
            "{}{}.{fraction:017}",
            if self.negative { "-" } else { "" },
            rounded.to_decimal()
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

    /// The x87 register image: sign, 15-bit biased exponent, 64-bit mantissa.
    #[cfg(test)]
    fn to_bits(self) -> u128 {
        let sign = u128::from(self.negative) << 79;
        sign | match self.class {
            Class::Finite { mantissa, exp } => {
                let biased = if mantissa >> 63 == 1 {
                    exp + 16383 + 63
                } else {
                    0
                };
                ((biased as u128) << 64) | u128::from(mantissa)
            }
            Class::Infinite => (0x7fff << 64) | (1 << 63),
            Class::Nan => (0x7fff << 64) | (3 << 62),
        }
    }
}

/// Rounds `(n + ε) × 2^exp` to the nearest `long double`, ties to even, where `sticky`
/// says whether a nonzero ε (less than a unit of `2^exp`) was cut off; denormals lose
/// bits at the bottom, and past the largest finite value is infinity.
fn round(negative: bool, n: &Nat, exp: i64, sticky: bool) -> LongDouble {
    let len = n.bits() as i64;
    if len == 0 {
        return LongDouble::zero(negative);
    }
    let mut unit = (exp + len - 64).max(MIN_EXP);
    let drop = unit - exp;
    debug_assert!(
        !sticky || drop > 1,
        "sticky bits need a rounding bit above them"
    );
    let mut mantissa = if drop <= 0 {
        n.shl((-drop) as u64).to_u128().unwrap_or(0)
    } else {
        let kept = n.shr(drop as u64).to_u128().unwrap_or(0);
        let half = n.bit(drop as u64 - 1);
        let rest = sticky || n.any_below(drop as u64 - 1);
        kept + u128::from(half && (rest || kept & 1 == 1))
    };
    if mantissa >> 64 != 0 {
        mantissa >>= 1;
        unit += 1;
    }
    if unit > MAX_EXP {
        return LongDouble::special(negative, Class::Infinite);
    }
    LongDouble {
        negative,
        class: Class::Finite {
            mantissa: mantissa as u64,
            exp: unit,
        },
    }
}

/// A number as `strtold` reads it: `digits × 10^exp` (or `× 2^exp` in hexadecimal).
struct Number {
    digits: Nat,
    exp: i64,
    hex: bool,
}

impl Number {
    fn value(&self, negative: bool) -> LongDouble {
        let bits = self.digits.bits() as i64;
        if bits == 0 {
            return LongDouble::zero(negative);
        }
        // Bounds on log2 of the value (log2 10 > 3.321928) decide the far ranges at once.
        let (low, high) = if self.hex {
            (bits - 1 + self.exp, bits + self.exp)
        } else if self.exp >= 0 {
            (bits - 1 + self.exp * 3_321_928 / 1_000_000, i64::MAX)
        } else {
            (i64::MIN, bits + self.exp * 3_321_928 / 1_000_000 + 1)
        };
        if low > 16_385 {
            return LongDouble::special(negative, Class::Infinite);
        }
        if high < -16_447 {
            return LongDouble::zero(negative);
        }
        if self.hex {
            return round(negative, &self.digits, self.exp, false);
        }
        if self.exp >= 0 {
            let mut n = self.digits.clone();
            for _ in 0..self.exp {
                n.mul_add_small(10, 0);
            }
            return round(negative, &n, 0, false);
        }
        let mut power = Nat::from_u128(1);
        for _ in 0..-self.exp {
            power.mul_add_small(10, 0);
        }
        // Enough quotient bits for the mantissa, a rounding bit and one more.
        let k = (power.bits() as i64 - bits + 66).max(0);
        let (quotient, remainder) = self.digits.shl(k as u64).div_rem(&power);
        round(negative, &quotient, -k, !remainder.is_zero())
    }
}

/// Reads `strtold`'s decimal (`1`, `1.`, `.5`, `2.5e-3`) and hexadecimal (`0x1.8p3`,
/// `0x10`) forms, unsigned.
fn number_syntax(body: &[u8]) -> Option<Number> {
    let hex = body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x';
    let (radix, digit_exp) = if hex { (16, 4) } else { (10, 1) };
    let mut i = if hex { 2 } else { 0 };
    let mut digits = Nat::default();
    let mut count = 0;
    let mut point = None;
    while i < body.len() {
        match (body[i] as char).to_digit(radix) {
            Some(d) => {
                digits.mul_add_small(radix, d);
                count += 1;
            }
            None if body[i] == b'.' && point.is_none() => point = Some(count),
            None => break,
        }
        i += 1;
    }
    if count == 0 {
        return None;
    }
    let mut exp: i64 = 0;
    if i < body.len() {
        if (body[i] | 0x20) != if hex { b'p' } else { b'e' } {
            return None;
        }
        let mut j = i + 1;
        let negative = j < body.len() && body[j] == b'-';
        if j < body.len() && (body[j] == b'+' || body[j] == b'-') {
            j += 1;
        }
        if j == body.len() || !body[j..].iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Saturated: anything this far out is infinity or zero already.
        for &d in &body[j..] {
            exp = (exp * 10 + i64::from(d - b'0')).min(1_000_000_000);
        }
        if negative {
            exp = -exp;
        }
    }
    let fraction_digits = point.map_or(0, |p| count - p);
    Some(Number {
        digits,
        exp: exp - fraction_digits * digit_exp,
        hex,
    })
}

#[cfg(test)]
mod tests;
