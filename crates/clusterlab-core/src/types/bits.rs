//! Bitmaps: a string read as bits, the most significant bit of each byte first (bit 0 is
//! the top bit of byte 0), as SETBIT, BITCOUNT, BITPOS and BITFIELD read it. Integers of
//! any width from 1 to 64 bits are stored big-endian across byte boundaries.

/// The bit at `offset` (0 past the end).
pub fn get_bit(s: &[u8], offset: u64) -> bool {
    let byte = (offset >> 3) as usize;
    byte < s.len() && s[byte] & (0x80 >> (offset & 7)) != 0
}

/// Sets the bit at `offset`, which must be inside `s`; returns its previous value.
pub fn set_bit(s: &mut [u8], offset: u64, on: bool) -> bool {
    let byte = (offset >> 3) as usize;
    let mask = 0x80 >> (offset & 7);
    let was = s[byte] & mask != 0;
    if on {
        s[byte] |= mask;
    } else {
        s[byte] &= !mask;
    }
    was
}

/// The set bits of `s`.
pub fn popcount(s: &[u8]) -> u64 {
    s.iter().map(|b| u64::from(b.count_ones())).sum()
}

/// `redisBitpos`: the first bit equal to `bit`, counting from the start of `s`; when
/// looking for a 0 in bytes that are all ones, the position just past them (the string
/// continues with zeros); when looking for a 1 in zeros, -1.
pub fn first_bit(s: &[u8], bit: bool) -> i64 {
    let skip = if bit { 0x00 } else { 0xff };
    match s.iter().position(|&b| b != skip) {
        Some(i) => {
            let b = if bit { s[i] } else { !s[i] };
            (i as i64) * 8 + i64::from(b.leading_zeros())
        }
        None if bit => -1,
        None => (s.len() as i64) * 8,
    }
}

/// `getUnsignedBitfield`: `bits` bits from `offset`, big-endian (0 past the end).
pub fn get_unsigned(s: &[u8], offset: u64, bits: u32) -> u64 {
    (0..u64::from(bits)).fold(0, |v, j| (v << 1) | u64::from(get_bit(s, offset + j)))
}

/// `getSignedBitfield`: the same bits read as two's complement.
pub fn get_signed(s: &[u8], offset: u64, bits: u32) -> i64 {
    let v = get_unsigned(s, offset, bits) as i64;
    if bits < 64 && v & (1 << (bits - 1)) != 0 {
        v | (-1i64 << bits)
    } else {
        v
    }
}

/// `setUnsignedBitfield`: the low `bits` bits of `value` from `offset`, which must fit.
pub fn set_unsigned(s: &mut [u8], offset: u64, bits: u32, value: u64) {
    for j in 0..u64::from(bits) {
        let on = value & (1 << (u64::from(bits) - 1 - j)) != 0;
        set_bit(s, offset + j, on);
    }
}

/// What BITFIELD does when a value does not fit its width (`OVERFLOW`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    Wrap,
    Sat,
    Fail,
}

/// `checkUnsignedBitfieldOverflow`: whether `value + incr` overflows `bits` unsigned
/// bits, and the value WRAP or SAT stores then.
pub fn unsigned_overflow(value: u64, incr: i64, bits: u32, how: Overflow) -> (bool, u64) {
    let max = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = value.wrapping_neg() as i64;
    let wrapped = || value.wrapping_add(incr as u64) & !(u64::MAX << bits);
    if value > max || (incr > 0 && incr > max_incr) {
        (true, if how == Overflow::Sat { max } else { wrapped() })
    } else if incr < 0 && incr < min_incr {
        (true, if how == Overflow::Sat { 0 } else { wrapped() })
    } else {
        (false, 0)
    }
}

/// `checkSignedBitfieldOverflow`: whether `value + incr` overflows `bits` signed bits,
/// and the value WRAP or SAT stores then.
pub fn signed_overflow(value: i64, incr: i64, bits: u32, how: Overflow) -> (bool, i64) {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let wrapped = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                c |= mask;
            } else {
                c &= !mask;
            }
        }
        c as i64
    };
    let sixty_four = bits == 64;
    if value > max
        || (!sixty_four && incr > max_incr)
        || (value >= 0 && incr > 0 && incr > max_incr)
    {
        (true, if how == Overflow::Sat { max } else { wrapped() })
    } else if value < min
        || (!sixty_four && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        (true, if how == Overflow::Sat { min } else { wrapped() })
    } else {
        (false, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_big_endian_across_bytes() {
        let mut s = vec![0u8; 3];
        set_unsigned(&mut s, 4, 12, 0xabc);
        assert_eq!(s, [0x0a, 0xbc, 0x00]);
        assert_eq!(get_unsigned(&s, 4, 12), 0xabc);
        assert_eq!(get_signed(&s, 4, 4), -6);
        assert_eq!(get_unsigned(&s, 20, 8), 0);
        assert_eq!(first_bit(&[0xff, 0xf0], false), 12);
        assert_eq!(first_bit(&[0xff], false), 8);
        assert_eq!(first_bit(&[0, 0], true), -1);
        assert_eq!(first_bit(&[0, 0x10], true), 11);
    }

    #[test]
    fn overflow_as_bitfield_reports_it() {
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Wrap), (true, 4));
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Sat), (true, 255));
        assert_eq!(unsigned_overflow(5, -10, 8, Overflow::Sat), (true, 0));
        assert_eq!(unsigned_overflow(5, -5, 8, Overflow::Sat), (false, 0));
        assert_eq!(signed_overflow(120, 10, 8, Overflow::Wrap), (true, -126));
        assert_eq!(signed_overflow(-120, -10, 8, Overflow::Sat), (true, -128));
        assert_eq!(
            signed_overflow(i64::MAX, 1, 64, Overflow::Wrap),
            (true, i64::MIN)
        );
        assert_eq!(signed_overflow(-1, 0, 64, Overflow::Fail), (false, 0));
    }
}
