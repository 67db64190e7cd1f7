//! LZF, the compressor RDB strings and quicklist nodes use, with the settings Redis 7.0
//! builds it with (`HLOG` 16, `VERY_FAST`), so a compressed string has the same bytes
//! as a real server's. The format: `000LLLLL` and L+1 literal octets; `LLLooooo
//! oooooooo`, a back reference of L+2 octets at offset o+1; `111ooooo LLLLLLLL
//! oooooooo`, one of L+9 octets.

const HLOG: u32 = 16;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) & ((1 << HLOG) - 1)) as usize
}

/// `lzf_compress`: the compressed bytes, or `None` when they would not fit in
/// `out_len` bytes. The hash table starts empty, as in a fresh process (Redis leaves
/// it uninitialised on the stack and checks every candidate it finds there).
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    if input.is_empty() || out_len == 0 {
        return None;
    }
    // Positions plus one, so 0 means empty.
    let mut htab = vec![0usize; 1 << HLOG];
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let end = input.len();
    let byte = |i: usize| input[i] as u32;
    let mut lit = 0usize;
    // The literal run's length byte goes at `run`.
    let mut run = 0usize;
    out.push(0);
    let mut ip = 0usize;
    let mut hval = if end >= 2 {
        (byte(0) << 8) | byte(1)
    } else {
        0
    };
    while end >= 3 && ip < end - 2 {
        hval = (hval << 8) | byte(ip + 2);
        let slot = idx(hval);
        let reference = htab[slot].checked_sub(1);
        htab[slot] = ip + 1;
        let matched = reference.filter(|&r| {
            r < ip
                && ip - r - 1 < MAX_OFF
                && r > 0
                && input[r + 2] == input[ip + 2]
                && input[r] == input[ip]
                && input[r + 1] == input[ip + 1]
        });
        if let Some(r) = matched {
            let off = ip - r - 1;
            let maxlen = (end - ip - 2).min(MAX_REF);
            if out.len() + 3 + 1 >= out_len && out.len() - usize::from(lit == 0) + 3 + 1 >= out_len
            {
                return None;
            }
            out[run] = (lit as u8).wrapping_sub(1);
            if lit == 0 {
                out.pop();
            }
            // Redis's loop checks the first 16 octets without the bound when more than
            // 16 may match, so a match can run up to two octets past `maxlen` there.
            let mut len = 2;
            let mut stopped = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        stopped = true;
                        break;
                    }
                }
            }
            if !stopped {
                loop {
                    len += 1;
                    if len >= maxlen || input[r + len] != input[ip + len] {
                        break;
                    }
                }
            }
            let len = len - 2;
            ip += 1;
            if len < 7 {
                out.push(((off >> 8) + (len << 5)) as u8);
            } else {
                out.push(((off >> 8) + (7 << 5)) as u8);
                out.push((len - 7) as u8);
            }
            out.push(off as u8);
            lit = 0;
            run = out.len();
            out.push(0);
            ip += len + 1;
            if ip >= end - 2 {
                break;
            }
            ip -= 2;
            hval = (byte(ip) << 8) | byte(ip + 1);
            for _ in 0..2 {
                hval = (hval << 8) | byte(ip + 2);
                htab[idx(hval)] = ip + 1;
                ip += 1;
            }
        } else {
            if out.len() >= out_len {
                return None;
            }
            literal(&mut out, &mut lit, &mut run, input[ip]);
            ip += 1;
        }
    }
    if out.len() + 3 > out_len {
        return None;
    }
    while ip < end {
        literal(&mut out, &mut lit, &mut run, input[ip]);
        ip += 1;
    }
    out[run] = (lit as u8).wrapping_sub(1);
    if lit == 0 {
        out.pop();
    }
    Some(out)
}

/// Copies one literal byte, closing the run (its length byte at `run`) at 32 and
/// starting the next.
fn literal(out: &mut Vec<u8>, lit: &mut usize, run: &mut usize, b: u8) {
    *lit += 1;
    out.push(b);
    if *lit == MAX_LIT {
        out[*run] = (*lit - 1) as u8;
        *lit = 0;
        *run = out.len();
        out.push(0);
    }
}

/// `lzf_decompress` into exactly `len` bytes; `None` for a malformed input or one that
/// does not expand to `len`.
pub fn decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    // A back reference of 3 bytes gives at most 264: the claimed length cannot be more
    // than 88 times the input, whatever a payload says.
    if len > input.len().saturating_mul(88) {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 1 << 5 {
            let n = ctrl + 1;
            let lits = input.get(ip..ip + n)?;
            if out.len() + n > len {
                return None;
            }
            out.extend_from_slice(lits);
            ip += n;
        } else {
            let mut n = ctrl >> 5;
            if n == 7 {
                n += *input.get(ip)? as usize;
                ip += 1;
            }
            let back = ((ctrl & 0x1f) << 8) + *input.get(ip)? as usize + 1;
            ip += 1;
            let n = n + 2;
            if back > out.len() || out.len() + n > len {
                return None;
            }
            let from = out.len() - back;
            for i in 0..n {
                out.push(out[from + i]);
            }
        }
    }
    (out.len() == len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compresses_repetition() {
        let cases: [&[u8]; 4] = [
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            b"hello hello hello hello hello hello world",
            b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij",
            &[7u8; 5000],
        ];
        for c in cases {
            let z = compress(c, c.len()).expect("compressible");
            assert!(z.len() < c.len());
            assert_eq!(decompress(&z, c.len()).as_deref(), Some(c));
        }
        // A real server's bytes for 44 `a`s (in the DUMP of `SET k aaaa…`): two literals,
        // 40 octets back one, two literals.
        assert_eq!(
            compress(&[b'a'; 44], 40).unwrap(),
            [0x01, b'a', b'a', 0xe0, 0x1f, 0x00, 0x01, b'a', b'a']
        );
    }

    #[test]
    fn gives_up_on_incompressible_input() {
        let noise: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert_eq!(compress(&noise, noise.len() - 4), None);
        assert_eq!(decompress(&[0x05, 1, 2], 6), None);
    }
}
