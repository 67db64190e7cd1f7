//! Listpacks byte for byte, as RDB and DUMP carry them: a 6-byte header (total bytes and
//! element count, little-endian), each entry as its encoding, its data and its length
//! written backwards, and an `0xFF` end. An element that reads as an integer
//! (`lpStringToInt64`) is stored as the smallest integer encoding that holds it.

/// One element of a listpack.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

/// Builds a listpack entry by entry.
pub struct Writer {
    bytes: Vec<u8>,
    count: usize,
}

impl Default for Writer {
    fn default() -> Self {
        Writer {
            bytes: vec![0; 6],
            count: 0,
        }
    }
}

impl Writer {
    /// Appends an element as `lpAppend` does: as an integer when it reads as one.
    pub fn push(&mut self, ele: &[u8]) {
        match as_int(ele) {
            Some(v) => self.push_int(v),
            None => self.push_str(ele),
        }
    }

    /// `lpAppendInteger`.
    pub fn push_int(&mut self, v: i64) {
        let start = self.bytes.len();
        let b = &mut self.bytes;
        let u = v as u64;
        if (0..=127).contains(&v) {
            b.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = (v as u64) & 0x1fff;
            b.extend_from_slice(&[0xc0 | (u >> 8) as u8, u as u8]);
        } else {
            let width = if (-32768..=32767).contains(&v) {
                2
            } else if (-8388608..=8388607).contains(&v) {
                3
            } else if i32::try_from(v).is_ok() {
                4
            } else {
                8
            };
            b.push(match width {
                2 => 0xf1,
                3 => 0xf2,
                4 => 0xf3,
                _ => 0xf4,
            });
            b.extend_from_slice(&u.to_le_bytes()[..width]);
        }
        self.finish_entry(start);
    }

    /// An element stored as a string whatever it holds.
    pub fn push_str(&mut self, s: &[u8]) {
        let start = self.bytes.len();
        let len = s.len();
        let b = &mut self.bytes;
        if len < 64 {
            b.push(0x80 | len as u8);
        } else if len < 4096 {
            b.extend_from_slice(&[0xe0 | (len >> 8) as u8, len as u8]);
        } else {
            b.push(0xf0);
            b.extend_from_slice(&(len as u32).to_le_bytes());
        }
        b.extend_from_slice(s);
        self.finish_entry(start);
    }

    fn finish_entry(&mut self, start: usize) {
        let l = (self.bytes.len() - start) as u64;
        let back: Vec<u8> = match l {
            0..=127 => vec![l as u8],
            128..=16382 => vec![(l >> 7) as u8, (l & 127) as u8 | 128],
            16383..=2097150 => vec![
                (l >> 14) as u8,
                ((l >> 7) & 127) as u8 | 128,
                (l & 127) as u8 | 128,
            ],
            2097151..=268435454 => vec![
                (l >> 21) as u8,
                ((l >> 14) & 127) as u8 | 128,
                ((l >> 7) & 127) as u8 | 128,
                (l & 127) as u8 | 128,
            ],
            _ => vec![
                (l >> 28) as u8,
                ((l >> 21) & 127) as u8 | 128,
                ((l >> 14) & 127) as u8 | 128,
                ((l >> 7) & 127) as u8 | 128,
                (l & 127) as u8 | 128,
            ],
        };
        self.bytes.extend_from_slice(&back);
        self.count += 1;
    }

    /// The bytes the entries so far make, with the header and the end mark.
    pub fn size(&self) -> usize {
        self.bytes.len() + 1
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.push(0xff);
        let total = self.bytes.len() as u32;
        self.bytes[..4].copy_from_slice(&total.to_le_bytes());
        let count = self.count.min(u16::MAX as usize) as u16;
        self.bytes[4..6].copy_from_slice(&count.to_le_bytes());
        self.bytes
    }
}

/// `lpStringToInt64`: a canonical decimal of at most 20 characters within `i64`.
pub fn as_int(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    crate::types::parse_canonical_i64(s)
}

/// Reads every entry of a listpack, checking its header, each entry's bounds and the
/// end mark (the shallow check `lpValidateIntegrity` makes, and the entries' own).
pub fn read(lp: &[u8]) -> Option<Vec<Entry<'_>>> {
    if lp.len() < 7 || u32::from_le_bytes(lp[..4].try_into().ok()?) as usize != lp.len() {
        return None;
    }
    let declared = u16::from_le_bytes([lp[4], lp[5]]);
    let mut at = 6;
    let mut out = Vec::new();
    while lp.get(at) != Some(&0xff) {
        let b = *lp.get(at)?;
        let take = |from: usize, n: usize| lp.get(from..from.checked_add(n)?);
        let (entry, size) = if b & 0x80 == 0 {
            (Entry::Int(b as i64), 1)
        } else if b & 0xc0 == 0x80 {
            let n = (b & 0x3f) as usize;
            (Entry::Bytes(take(at + 1, n)?), 1 + n)
        } else if b & 0xe0 == 0xc0 {
            let u = (((b & 0x1f) as u64) << 8) | *lp.get(at + 1)? as u64;
            (Entry::Int(sign_extend(u, 13)), 2)
        } else if b & 0xf0 == 0xe0 {
            let n = (((b & 0x0f) as usize) << 8) | *lp.get(at + 1)? as usize;
            (Entry::Bytes(take(at + 2, n)?), 2 + n)
        } else {
            match b {
                0xf0 => {
                    let n = u32::from_le_bytes(take(at + 1, 4)?.try_into().ok()?) as usize;
                    (Entry::Bytes(take(at + 5, n)?), 5 + n)
                }
                0xf1..=0xf4 => {
                    let width = [2, 3, 4, 8][(b - 0xf1) as usize];
                    let mut raw = [0u8; 8];
                    raw[..width].copy_from_slice(take(at + 1, width)?);
                    let v = sign_extend(u64::from_le_bytes(raw), width as u32 * 8);
                    (Entry::Int(v), 1 + width)
                }
                _ => return None,
            }
        };
        let back_len = match size {
            0..=127 => 1,
            128..=16382 => 2,
            16383..=2097150 => 3,
            2097151..=268435454 => 4,
            _ => 5,
        };
        at = at.checked_add(size + back_len)?;
        out.push(entry);
    }
    if at + 1 != lp.len() || (declared != u16::MAX && declared as usize != out.len()) {
        return None;
    }
    Some(out)
}

fn sign_extend(u: u64, bits: u32) -> i64 {
    if bits >= 64 {
        return u as i64;
    }
    let shift = 64 - bits;
    ((u << shift) as i64) >> shift
}

impl Entry<'_> {
    /// The element as the bytes a reply carries.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Entry::Bytes(b) => b.to_vec(),
            Entry::Int(v) => v.to_string().into_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_redis_and_reads_back() {
        let mut w = Writer::default();
        for e in [
            &b"a"[..],
            b"1",
            b"-1",
            b"5000",
            b"-70000",
            b"3000000000",
            b"01",
        ] {
            w.push(e);
        }
        let lp = w.finish();
        // RPUSH l a 1 on a real 7.0.15: the listpack inside its DUMP.
        let mut small = Writer::default();
        small.push(b"a");
        small.push(b"1");
        assert_eq!(
            small.finish(),
            [0x0c, 0, 0, 0, 2, 0, 0x81, b'a', 2, 0x01, 1, 0xff]
        );
        let read: Vec<Vec<u8>> = read(&lp).unwrap().iter().map(Entry::to_bytes).collect();
        let want: Vec<&[u8]> = vec![b"a", b"1", b"-1", b"5000", b"-70000", b"3000000000", b"01"];
        assert_eq!(read, want);
        assert_eq!(super::read(&lp[..lp.len() - 1]), None);
    }
}
