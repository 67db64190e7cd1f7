//! The few operations on natural numbers that exact `long double` parsing, rounding and
//! printing need, in base 2³², least significant limb first.

use std::cmp::Ordering;

/// A natural number with no zero limbs at the top.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nat(Vec<u32>);

impl Nat {
    pub fn from_u128(mut v: u128) -> Nat {
        let mut limbs = Vec::new();
        while v != 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Nat(limbs)
    }

    /// The value when it fits in 128 bits.
    pub fn to_u128(&self) -> Option<u128> {
        if self.0.len() > 4 {
            return None;
        }
        Some(
            self.0
                .iter()
                .rev()
                .fold(0u128, |acc, &l| (acc << 32) | u128::from(l)),
        )
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of significant bits.
    pub fn bits(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(&top) => self.0.len() as u64 * 32 - u64::from(top.leading_zeros()),
        }
    }

    pub fn bit(&self, n: u64) -> bool {
        let limb = (n / 32) as usize;
        limb < self.0.len() && (self.0[limb] >> (n % 32)) & 1 == 1
    }

    /// Whether any of the lowest `n` bits is set.
    pub fn any_below(&self, n: u64) -> bool {
        let whole = ((n / 32) as usize).min(self.0.len());
        if self.0[..whole].iter().any(|&l| l != 0) {
            return true;
        }
        let rest = n % 32;
        whole < self.0.len() && rest != 0 && self.0[whole] & ((1u32 << rest) - 1) != 0
    }

    /// `self × m + a`.
    pub fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    /// Divides by `d`, returning the remainder.
    pub fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        self.trim();
        rem as u32
    }

    pub fn shl(&self, n: u64) -> Nat {
        if self.is_zero() {
            return Nat::default();
        }
        let (whole, rest) = ((n / 32) as usize, n % 32);
        let mut limbs = vec![0u32; whole];
        let mut carry = 0u32;
        for &l in &self.0 {
            if rest == 0 {
                limbs.push(l);
            } else {
                limbs.push((l << rest) | carry);
                carry = l >> (32 - rest);
            }
        }
        if carry != 0 {
            limbs.push(carry);
        }
        Nat(limbs)
    }

    pub fn shr(&self, n: u64) -> Nat {
        let (whole, rest) = ((n / 32) as usize, n % 32);
        if whole >= self.0.len() {
            return Nat::default();
        }
        let src = &self.0[whole..];
        let mut limbs = Vec::with_capacity(src.len());
        for i in 0..src.len() {
            let high = if rest == 0 {
                0
            } else {
                src.get(i + 1).map_or(0, |&h| h << (32 - rest))
            };
            limbs.push((src[i] >> rest) | high);
        }
        let mut out = Nat(limbs);
        out.trim();
        out
    }

    pub fn add(&self, other: &Nat) -> Nat {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut limbs = Vec::with_capacity(long.0.len() + 1);
        let mut carry = 0u64;
        for i in 0..long.0.len() {
            let v = u64::from(long.0[i]) + u64::from(*short.0.get(i).unwrap_or(&0)) + carry;
            limbs.push(v as u32);
            carry = v >> 32;
        }
        if carry != 0 {
            limbs.push(carry as u32);
        }
        Nat(limbs)
    }

    /// `self − other`, which must not be negative.
    pub fn sub(&self, other: &Nat) -> Nat {
        let mut limbs = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let v = i64::from(self.0[i]) - i64::from(*other.0.get(i).unwrap_or(&0)) - borrow;
            borrow = i64::from(v < 0);
            limbs.push((v + (borrow << 32)) as u32);
        }
        debug_assert_eq!(borrow, 0, "a negative difference");
        let mut out = Nat(limbs);
        out.trim();
        out
    }

    /// The quotient and remainder, by shifting and subtracting (the quotients here are
    /// short however long the operands are).
    pub fn div_rem(&self, d: &Nat) -> (Nat, Nat) {
        let mut rem = self.clone();
        let mut quotient = Nat::default();
        if self.bits() < d.bits() {
            return (quotient, rem);
        }
        for i in (0..=self.bits() - d.bits()).rev() {
            let shifted = d.shl(i);
            if rem >= shifted {
                rem = rem.sub(&shifted);
                quotient = quotient.add(&Nat::from_u128(1).shl(i));
            }
        }
        (quotient, rem)
    }

    /// The decimal digits.
    pub fn to_decimal(&self) -> String {
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_small(1_000_000_000));
        }
        let mut text = chunks
            .pop()
            .map_or_else(|| "0".to_string(), |c| c.to_string());
        for c in chunks.iter().rev() {
            text.push_str(&format!("{c:09}"));
        }
        text
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Nat) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Nat) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::Nat;

    #[test]
    fn arithmetic_agrees_with_u128() {
        let a = Nat::from_u128(0x1234_5678_9abc_def0_1122_3344);
        let b = Nat::from_u128(0xfedc_ba98_7654);
        assert_eq!(
            a.add(&b).to_u128(),
            Some(0x1234_5678_9abc_def0_1122_3344 + 0xfedc_ba98_7654)
        );
        assert_eq!(
            a.sub(&b).to_u128(),
            Some(0x1234_5678_9abc_def0_1122_3344 - 0xfedc_ba98_7654)
        );
        assert_eq!(a.shl(37).shr(37), a);
        assert_eq!(
            a.shr(70).to_u128(),
            Some(0x1234_5678_9abc_def0_1122_3344 >> 70)
        );
        let (q, r) = a.div_rem(&b);
        assert_eq!(
            q.to_u128(),
            Some(0x1234_5678_9abc_def0_1122_3344 / 0xfedc_ba98_7654)
        );
        assert_eq!(
            r.to_u128(),
            Some(0x1234_5678_9abc_def0_1122_3344 % 0xfedc_ba98_7654)
        );
        assert_eq!(
            a.to_decimal(),
            0x1234_5678_9abc_def0_1122_3344u128.to_string()
        );
        assert!(a.bit(2) && !a.bit(0) && a.any_below(3) && !a.any_below(2));
        assert_eq!(a.bits(), 93);
        assert_eq!(Nat::default().to_decimal(), "0");
    }
}
