//! HyperLogLog as Redis 7.0 stores it (`hyperloglog.c`), byte for byte, so a value
//! written here reads the same on a real server and the reverse: a 16-byte header
//! ("HYLL", the encoding, three zero bytes, the cached cardinality little-endian with its
//! top bit marking it stale) then 16384 registers of 6 bits, either dense (12288 bytes)
//! or sparse (ZERO, XZERO and VAL opcodes). Elements are hashed with MurmurHash64A and
//! counted with the register-histogram estimator Redis uses.

/// The header: magic, encoding, unused, cached cardinality.
pub const HDR: usize = 16;
const REGISTERS: usize = 16384;
/// The bits of the hash left after the register index.
const Q: usize = 50;
pub const DENSE_SIZE: usize = HDR + REGISTERS * 6 / 8;
const DENSE: u8 = 0;
const SPARSE: u8 = 1;
const VAL_MAX_VALUE: u8 = 32;
const VAL_MAX_LEN: usize = 4;
const ZERO_MAX_LEN: usize = 64;
const XZERO_MAX_LEN: usize = 16384;
/// `HLL_ALPHA_INF`, 0.5 / ln 2 (the nearest double to Redis's 0.721347520444481703680).
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// A corrupted value (`INVALIDOBJ`).
#[derive(Debug, PartialEq, Eq)]
pub struct Corrupt;

/// `MurmurHash64A`, little-endian words, as Redis hashes elements.
fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut words = key.chunks_exact(8);
    for w in &mut words {
        let mut k = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        k = k.wrapping_mul(M);
        k ^= k >> 47;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 47;
    h = h.wrapping_mul(M);
    h ^ (h >> 47)
}

/// `hllPatLen`: the element's register and the length of its run of zeros plus one.
fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, 0xadc8_3b19);
    let index = (hash as usize) & (REGISTERS - 1);
    let rest = (hash >> 14) | (1 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// A new, empty HyperLogLog (sparse: one XZERO opcode covering every register).
pub fn new_sparse() -> Vec<u8> {
    let mut s = b"HYLL".to_vec();
    s.extend([SPARSE, 0, 0, 0]);
    s.extend([0; 8]);
    set_xzero(&mut s, XZERO_MAX_LEN);
    s
}

/// `isHLLObjectOrReply`'s check of the bytes (the caller checks the type and encoding).
pub fn is_valid(s: &[u8]) -> bool {
    s.len() >= HDR
        && &s[..4] == b"HYLL"
        && s[4] <= SPARSE
        && (s[4] != DENSE || s.len() == DENSE_SIZE)
}

pub fn is_sparse(s: &[u8]) -> bool {
    s[4] == SPARSE
}

pub fn invalidate_cache(s: &mut [u8]) {
    s[15] |= 0x80;
}

/// The cached cardinality, when it is not stale.
pub fn cached(s: &[u8]) -> Option<u64> {
    (s[15] & 0x80 == 0).then(|| u64::from_le_bytes(s[8..16].try_into().unwrap_or([0; 8])))
}

pub fn set_cached(s: &mut [u8], card: u64) {
    s[8..16].copy_from_slice(&card.to_le_bytes());
}

// --- Dense registers: 6 bits each, least significant bits first. -------------------

fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let b0 = u16::from(regs[byte]);
    // The last register reads one byte past the registers: Redis's string ends with 0.
    let b1 = u16::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & 63) as u8
}

fn dense_set(regs: &mut [u8], i: usize, v: u8) {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let v = u16::from(v);
    regs[byte] = ((u16::from(regs[byte]) & !(63 << fb)) | (v << fb)) as u8;
    if let Some(next) = regs.get_mut(byte + 1) {
        *next = ((u16::from(*next) & !(63 >> (8 - fb))) | (v >> (8 - fb))) as u8;
    }
}

/// `hllDenseSet`: raises register `i` to `count`; whether it changed.
fn dense_raise(regs: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(regs, i) {
        dense_set(regs, i, count);
        true
    } else {
        false
    }
}

// --- Sparse opcodes. -----------------------------------------------------------------

enum Opcode {
    /// `00llllll`: 1 to 64 zero registers.
    Zero(usize),
    /// `01llllll llllllll`: 1 to 16384 zero registers.
    XZero(usize),
    /// `1vvvvvll`: 1 to 4 registers of value 1 to 32.
    Val(u8, usize),
}

/// The opcode at `p` and its size in bytes (a cut-off XZERO reads Redis's final 0).
fn opcode(s: &[u8], p: usize) -> (Opcode, usize) {
    let b = s[p];
    if b & 0xc0 == 0 {
        (Opcode::Zero(usize::from(b & 0x3f) + 1), 1)
    } else if b & 0x80 == 0 {
        let low = usize::from(s.get(p + 1).copied().unwrap_or(0));
        (Opcode::XZero(((usize::from(b & 0x3f) << 8) | low) + 1), 2)
    } else {
        (
            Opcode::Val(((b >> 2) & 0x1f) + 1, usize::from(b & 3) + 1),
            1,
        )
    }
}

fn val_byte(value: u8, len: usize) -> u8 {
    0x80 | ((value - 1) << 2) | (len as u8 - 1)
}

fn set_xzero(out: &mut Vec<u8>, len: usize) {
    let l = len - 1;
    out.extend([0x40 | (l >> 8) as u8, (l & 0xff) as u8]);
}

/// A run of `len` zero registers as ZERO or XZERO.
fn zeros(out: &mut Vec<u8>, len: usize) {
    if len > ZERO_MAX_LEN {
        set_xzero(out, len);
    } else {
        out.push(len as u8 - 1);
    }
}

/// Every register's value of a sparse HyperLogLog, or None when the opcodes do not
/// cover exactly 16384 registers.
fn sparse_registers(s: &[u8]) -> Option<Vec<u8>> {
    let mut regs = vec![0u8; REGISTERS];
    let (mut p, mut i) = (HDR, 0usize);
    while p < s.len() {
        let (op, size) = opcode(s, p);
        match op {
            Opcode::Zero(n) | Opcode::XZero(n) => i += n,
            Opcode::Val(v, n) => {
                if i + n > REGISTERS {
                    return None;
                }
                regs[i..i + n].fill(v);
                i += n;
            }
        }
        p += size;
    }
    (i == REGISTERS).then_some(regs)
}

/// `hllSparseToDense` (a dense value is left as it is).
pub fn to_dense(s: &mut Vec<u8>) -> Result<(), Corrupt> {
    if !is_sparse(s) {
        return Ok(());
    }
    let regs = sparse_registers(s).ok_or(Corrupt)?;
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR].copy_from_slice(&s[..HDR]);
    dense[4] = DENSE;
    for (i, &v) in regs.iter().enumerate() {
        if v != 0 {
            dense_set(&mut dense[HDR..], i, v);
        }
    }
    *s = dense;
    Ok(())
}

/// `hllSparseSet`: raises register `index` to `count`, rewriting the opcode that covers
/// it and merging equal neighbours as Redis does, or turning the value dense when the
/// count does not fit a VAL opcode or the value would pass `max_bytes`.
fn sparse_raise(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: u64) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    let (mut p, mut first, mut span, mut prev) = (HDR, 0usize, 0usize, None);
    while p < s.len() {
        let (op, size) = opcode(s, p);
        span = match op {
            Opcode::Zero(n) | Opcode::XZero(n) | Opcode::Val(_, n) => n,
        };
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += size;
        first += span;
    }
    if span == 0 || p >= s.len() {
        return Err(Corrupt);
    }
    let (op, old_size) = opcode(s, p);
    let last = first + span - 1;
    let mut seq = Vec::with_capacity(5);
    match op {
        Opcode::Val(old, _) if old >= count => return Ok(false),
        Opcode::Val(_, 1) | Opcode::Zero(1) => s[p] = val_byte(count, 1),
        Opcode::Zero(_) | Opcode::XZero(_) => {
            if index != first {
                zeros(&mut seq, index - first);
            }
            seq.push(val_byte(count, 1));
            if index != last {
                zeros(&mut seq, last - index);
            }
        }
        Opcode::Val(current, _) => {
            if index != first {
                seq.push(val_byte(current, index - first));
            }
            seq.push(val_byte(count, 1));
            if index != last {
                seq.push(val_byte(current, last - index));
            }
        }
    }
    if !seq.is_empty() {
        if seq.len() > old_size && (s.len() + seq.len() - old_size) as u64 > max_bytes {
            return promote(s, index, count);
        }
        s.splice(p..p + old_size, seq);
    }
    // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the one
    // before the change.
    let mut p = prev.unwrap_or(HDR);
    let mut scans = 5;
    while p < s.len() && scans > 0 {
        scans -= 1;
        let (op, size) = opcode(s, p);
        let Opcode::Val(v1, l1) = op else {
            p += size;
            continue;
        };
        if p + 1 < s.len() {
            if let (Opcode::Val(v2, l2), _) = opcode(s, p + 1) {
                if v1 == v2 && l1 + l2 <= VAL_MAX_LEN {
                    s[p + 1] = val_byte(v1, l1 + l2);
                    s.remove(p);
                    continue;
                }
            }
        }
        p += 1;
    }
    invalidate_cache(s);
    Ok(true)
}

fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(s)?;
    Ok(dense_raise(&mut s[HDR..], index, count))
}

/// `hllAdd`: whether the element raised a register.
pub fn add(s: &mut Vec<u8>, element: &[u8], max_bytes: u64) -> Result<bool, Corrupt> {
    let (index, count) = pattern(element);
    raise(s, index, count, max_bytes)
}

/// Raises one register of a sparse or dense value.
pub fn raise(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: u64) -> Result<bool, Corrupt> {
    if is_sparse(s) {
        sparse_raise(s, index, count, max_bytes)
    } else {
        Ok(dense_raise(&mut s[HDR..], index, count))
    }
}

/// Every register's value.
pub fn registers(s: &[u8]) -> Result<Vec<u8>, Corrupt> {
    if is_sparse(s) {
        sparse_registers(s).ok_or(Corrupt)
    } else {
        Ok((0..REGISTERS).map(|i| dense_get(&s[HDR..], i)).collect())
    }
}

/// `hllMerge`: each register of `max` raised to this value's.
pub fn merge_into(max: &mut [u8], s: &[u8]) -> Result<(), Corrupt> {
    for (m, r) in max.iter_mut().zip(registers(s)?) {
        *m = (*m).max(r);
    }
    Ok(())
}

/// The cardinality of a sparse value's opcodes even when they cover the wrong number of
/// registers (Redis counts them, then reports the value corrupt).
pub fn count_value(s: &[u8]) -> Result<u64, Corrupt> {
    let mut histogram = [0u32; 64];
    if is_sparse(s) {
        let (mut p, mut i) = (HDR, 0usize);
        while p < s.len() {
            let (op, size) = opcode(s, p);
            match op {
                Opcode::Zero(n) | Opcode::XZero(n) => histogram[0] += n as u32,
                Opcode::Val(v, n) => histogram[usize::from(v)] += n as u32,
            }
            i += match op {
                Opcode::Zero(n) | Opcode::XZero(n) | Opcode::Val(_, n) => n,
            };
            p += size;
        }
        if i != REGISTERS {
            return Err(Corrupt);
        }
    } else {
        for i in 0..REGISTERS {
            histogram[usize::from(dense_get(&s[HDR..], i))] += 1;
        }
    }
    Ok(estimate(&histogram))
}

/// The cardinality of plain registers (one byte each, as PFCOUNT of several keys merges).
pub fn count_registers(regs: &[u8]) -> u64 {
    let mut histogram = [0u32; 64];
    for &r in regs {
        histogram[usize::from(r & 63)] += 1;
    }
    estimate(&histogram)
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if before == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if before == z {
            return z / 3.0;
        }
    }
}

/// `hllCount`'s estimator (Ertl's improved raw estimate) over a register histogram.
fn estimate(histogram: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(histogram[Q + 1])) / m);
    for j in (1..=Q).rev() {
        z += f64::from(histogram[j]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(histogram[0]) / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// PFDEBUG DECODE: the sparse opcodes as text.
pub fn decode(s: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut p = HDR;
    while p < s.len() {
        let (op, size) = opcode(s, p);
        parts.push(match op {
            Opcode::Zero(n) => format!("z:{n}"),
            Opcode::XZero(n) => format!("Z:{n}"),
            Opcode::Val(v, n) => format!("v:{v},{n}"),
        });
        p += size;
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur_matches_redis() {
        // PFADD of "a" on Redis 7.0.15 sets register 10283 to 2 (PFDEBUG GETREG).
        assert_eq!(
            pattern(b"a").0,
            murmur64a(b"a", 0xadc8_3b19) as usize & 16383
        );
        let mut s = new_sparse();
        assert_eq!(decode(&s), "Z:16384");
        assert_eq!(add(&mut s, b"a", 3000), Ok(true));
        assert_eq!(add(&mut s, b"a", 3000), Ok(false));
        assert_eq!(count_value(&s), Ok(1));
    }

    #[test]
    fn sparse_and_dense_agree() {
        let mut sparse = new_sparse();
        let mut dense = new_sparse();
        to_dense(&mut dense).unwrap();
        for i in 0..2000 {
            let e = format!("element:{i}");
            assert_eq!(
                add(&mut sparse, e.as_bytes(), 1 << 20),
                add(&mut dense, e.as_bytes(), 0)
            );
        }
        assert!(is_sparse(&sparse));
        assert_eq!(registers(&sparse), registers(&dense));
        assert_eq!(count_value(&sparse), count_value(&dense));
        let n = count_value(&dense).unwrap();
        assert!((1900..2100).contains(&n), "{n}");
    }
}
