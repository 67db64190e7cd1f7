//! Figures from Redis 7.0.15, and random agreement with `rustc_apfloat`'s x87 arithmetic.

use super::LongDouble;
use proptest::prelude::*;
use rustc_apfloat::ieee::X87DoubleExtended;
use rustc_apfloat::{Float, Round};

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
        "", " 1", "1 ", "abc", "1e", "1e+", "0x", "1.2.3", "nan", "-nan", "1e99999", "1e-99999",
        "++1", ".", "0xg",
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

/// `rustc_apfloat`'s reading of the same text (it takes `p0` where C omits it).
fn reference(text: &str) -> Option<X87DoubleExtended> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mut source = body.to_string();
    if source.starts_with("0x") && !source.contains('p') {
        source.push_str("p0");
    }
    let v = X87DoubleExtended::from_str_r(&source, Round::NearestTiesToEven)
        .ok()?
        .value;
    Some(if negative { -v } else { v })
}

fn decimal() -> impl Strategy<Value = String> {
    (
        "[+-]?",
        "[0-9]{1,30}",
        proptest::option::of("[0-9]{0,30}"),
        proptest::option::of(-5000i32..5000),
    )
        .prop_map(|(sign, int, fraction, exp)| {
            let mut s = format!("{sign}{int}");
            if let Some(f) = fraction {
                s.push('.');
                s.push_str(&f);
            }
            if let Some(e) = exp {
                s.push_str(&format!("e{e}"));
            }
            s
        })
}

fn hexadecimal() -> impl Strategy<Value = String> {
    (
        "[+-]?",
        "[0-9a-f]{1,24}",
        proptest::option::of(-17000i32..17000),
    )
        .prop_map(|(sign, digits, exp)| match exp {
            Some(e) => format!("{sign}0x{digits}p{e}"),
            None => format!("{sign}0x{digits}"),
        })
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![decimal(), hexadecimal()]
}

proptest! {
    #[test]
    fn parsing_matches_the_reference(text in number()) {
        let ours = LongDouble::parse(text.as_bytes());
        let theirs = reference(&text).unwrap();
        match ours {
            Some(v) => prop_assert_eq!(v.to_bits(), theirs.to_bits(), "{}", text),
            None => prop_assert!(
                theirs.is_infinite() || theirs.is_zero(),
                "{} refused, reference {:?}", text, theirs
            ),
        }
    }

    #[test]
    fn sums_and_timeouts_match_the_reference(a in number(), b in number()) {
        let (Some(x), Some(y)) = (LongDouble::parse(a.as_bytes()), LongDouble::parse(b.as_bytes())) else {
            return Ok(());
        };
        let (rx, ry) = (reference(&a).unwrap(), reference(&b).unwrap());
        let sum = rx.add_r(ry, Round::NearestTiesToEven).value;
        prop_assert_eq!((x + y).to_bits(), sum.to_bits(), "{} + {}", a, b);
        let thousand = X87DoubleExtended::from_i128(1000).value;
        let product = rx.mul_r(thousand, Round::NearestTiesToEven).value;
        let up = product.round_to_integral(Round::TowardPositive).value.to_i128(64);
        let millis = if !product.is_finite() || up.status.contains(rustc_apfloat::Status::INVALID_OP) {
            i64::MIN
        } else {
            up.value as i64
        };
        prop_assert_eq!(x.ceil_millis(), millis, "{}", a);
    }
}
