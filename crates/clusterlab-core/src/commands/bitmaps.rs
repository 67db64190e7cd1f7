//! Bitmap commands (`bitops.c`): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, and BITFIELD
//! with BITFIELD_RO, each checking its arguments in Redis's order. A bitmap is a string:
//! a command that writes bits makes the string raw (`dbUnshareStringValue`) and grows it
//! with zero bytes; it is replicated only when it changed something, as Redis does.

use super::args::{is, parse_i64, ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE};
use crate::keyspace::{StringWrite, Value};
use crate::node::Node;
use crate::reply::Reply;
use crate::types::bits::{self, Overflow};

/// Redis refuses bit offsets past `proto-max-bulk-len` (512 MB) bytes.
const MAX_BYTES: i64 = 512 * 1024 * 1024;

const ERR_OFFSET: &str = "ERR bit offset is not an integer or out of range";

/// `getBitOffsetFromArgument`: a non-negative offset inside 512 MB; with `width`, the
/// `#N` form means N × width.
fn bit_offset(arg: &[u8], width: Option<u32>) -> Result<u64, Reply> {
    let (hash, digits) = match (arg.first(), width) {
        (Some(b'#'), Some(w)) if w > 0 => (Some(w), &arg[1..]),
        _ => (None, arg),
    };
    let mut v = parse_i64(digits).map_err(|_| Reply::err(ERR_OFFSET))?;
    if let Some(w) = hash {
        v = v.wrapping_mul(i64::from(w));
    }
    if v < 0 || (v >> 3) >= MAX_BYTES {
        return Err(Reply::err(ERR_OFFSET));
    }
    Ok(v as u64)
}

/// The string at `key` (None if missing), or WRONGTYPE.
fn read<'a>(node: &'a Node, key: &[u8]) -> Result<Option<&'a Vec<u8>>, Reply> {
    match node.keyspace.get(key, node.now) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Reply::err(ERR_WRONGTYPE)),
    }
}

/// `lookupStringForBitCommand`: the string at `key`, created or grown with zero bytes
/// so that bit `max_bit` exists, made raw; and whether it was created or grew.
fn for_writing<'a>(
    node: &'a mut Node,
    key: &[u8],
    max_bit: u64,
) -> Result<(&'a mut Vec<u8>, bool), Reply> {
    let need = (max_bit >> 3) + 1;
    let len = read(node, key)?.map(Vec::len);
    super::strings::check_length(0, need)?;
    let need = need as usize;
    match len {
        None => node
            .keyspace
            .set(key.to_vec(), Value::String(vec![0; need])),
        Some(len) if len < need => {
            if let Some(Value::String(s)) = node.keyspace.get_mut(key, node.now) {
                s.resize(need, 0);
            }
        }
        Some(_) => {}
    }
    node.keyspace.set_written(key, StringWrite::InPlace);
    match node.keyspace.get_mut(key, node.now) {
        Some(Value::String(s)) => Ok((s, len.is_none_or(|l| l < need))),
        _ => Err(Reply::err(ERR_WRONGTYPE)),
    }
}

/// SETBIT key offset 0|1: the bit's previous value.
pub fn setbit(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    const ERR_BIT: &str = "ERR bit is not an integer or out of range";
    let offset = bit_offset(&args[2], None)?;
    let on = parse_i64(&args[3]).map_err(|_| Reply::err(ERR_BIT))?;
    if on & !1 != 0 {
        return Err(Reply::err(ERR_BIT));
    }
    let (s, grew) = for_writing(node, &args[1], offset)?;
    let was = bits::set_bit(s, offset, on == 1);
    if grew || was != (on == 1) {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(i64::from(was)))
}

/// GETBIT key offset.
pub fn getbit(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let offset = bit_offset(&args[2], None)?;
    let s = read(node, &args[1])?;
    Ok(Reply::int(i64::from(
        s.is_some_and(|s| bits::get_bit(s, offset)),
    )))
}

/// A BITCOUNT or BITPOS range: `start` and `end` already clamped, in bytes, with the
/// bits of the first and last byte that lie outside a BIT range.
struct Range {
    start: i64,
    end: i64,
    first_outside: u8,
    last_outside: u8,
}

/// The range arithmetic BITCOUNT and BITPOS share: negative positions from the end,
/// clamped to the string, and BIT positions turned into bytes with edge masks.
fn clamp(len: i64, start: i64, end: i64, bit_unit: bool) -> Range {
    let total = if bit_unit { len << 3 } else { len };
    let fix = |v: i64| if v < 0 { (total + v).max(0) } else { v };
    let (mut start, mut end) = (fix(start), fix(end));
    if end >= total {
        end = total - 1;
    }
    let (mut first_outside, mut last_outside) = (0, 0);
    if bit_unit && start <= end {
        first_outside = !((1u16 << (8 - (start & 7))) - 1) as u8;
        last_outside = ((1u16 << (7 - (end & 7))) - 1) as u8;
        start >>= 3;
        end >>= 3;
    }
    Range {
        start,
        end,
        first_outside,
        last_outside,
    }
}

/// BIT or BYTE (any case), else a syntax error.
fn unit(arg: &[u8]) -> Result<bool, Reply> {
    if is(arg, "bit") {
        Ok(true)
    } else if is(arg, "byte") {
        Ok(false)
    } else {
        Err(Reply::err(ERR_SYNTAX))
    }
}

/// BITCOUNT key [start end [BYTE|BIT]]: the key is looked up before the range is read.
pub fn bitcount(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let Some(s) = read(node, &args[1])? else {
        return Ok(Reply::int(0));
    };
    let len = s.len() as i64;
    let range = match args.len() {
        2 => Range {
            start: 0,
            end: len - 1,
            first_outside: 0,
            last_outside: 0,
        },
        4 | 5 => {
            let start = parse_i64(&args[2])?;
            let end = parse_i64(&args[3])?;
            if start < 0 && end < 0 && start > end {
                return Ok(Reply::int(0));
            }
            let bit_unit = match args.get(4) {
                Some(a) => unit(a)?,
                None => false,
            };
            clamp(len, start, end, bit_unit)
        }
        _ => return Err(Reply::err(ERR_SYNTAX)),
    };
    if range.start > range.end {
        return Ok(Reply::int(0));
    }
    let (a, b) = (range.start as usize, range.end as usize);
    let mut count = bits::popcount(&s[a..=b]);
    count -= u64::from((s[a] & range.first_outside).count_ones());
    count -= u64::from((s[b] & range.last_outside).count_ones());
    Ok(Reply::int(count as i64))
}

/// BITPOS key bit [start [end [BYTE|BIT]]]: the bit is read first, then the key (missing:
/// all zeros), then the range.
pub fn bitpos(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let bit = parse_i64(&args[2])?;
    if bit != 0 && bit != 1 {
        return Err(Reply::err("ERR The bit argument must be 1 or 0."));
    }
    let bit = bit == 1;
    let Some(s) = read(node, &args[1])? else {
        return Ok(Reply::int(if bit { -1 } else { 0 }));
    };
    let len = s.len() as i64;
    let mut end_given = false;
    let range = match args.len() {
        3 => clamp(len, 0, len - 1, false),
        4..=6 => {
            let start = parse_i64(&args[3])?;
            let bit_unit = match args.get(5) {
                Some(a) => unit(a)?,
                None => false,
            };
            let end = match args.get(4) {
                Some(a) => {
                    end_given = true;
                    parse_i64(a)?
                }
                None if bit_unit => (len << 3) + 7,
                None => len - 1,
            };
            clamp(len, start, end, bit_unit)
        }
        _ => return Err(Reply::err(ERR_SYNTAX)),
    };
    if range.start > range.end {
        return Ok(Reply::int(-1));
    }
    // The range's bytes with the bits outside it forced to the value not sought.
    let mut bytes = s[range.start as usize..=range.end as usize].to_vec();
    let force = |b: &mut u8, outside: u8| {
        if bit {
            *b &= !outside;
        } else {
            *b |= outside;
        }
    };
    force(&mut bytes[0], range.first_outside);
    let last = bytes.len() - 1;
    force(&mut bytes[last], range.last_outside);
    let pos = bits::first_bit(&bytes, bit);
    // Looking for a 0 within an explicit end, the zeros past it do not count.
    if end_given && !bit && pos == (bytes.len() as i64) * 8 {
        return Ok(Reply::int(-1));
    }
    Ok(Reply::int(if pos == -1 {
        -1
    } else {
        pos + range.start * 8
    }))
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result's length; an empty result
/// deletes the destination.
pub fn bitop(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let op = ["and", "or", "xor", "not"]
        .into_iter()
        .position(|w| is(&args[1], w))
        .ok_or_else(|| Reply::err(ERR_SYNTAX))?;
    if op == 3 && args.len() != 4 {
        return Err(Reply::err(
            "ERR BITOP NOT must be called with a single source key.",
        ));
    }
    let mut sources: Vec<Vec<u8>> = Vec::new();
    for key in &args[3..] {
        sources.push(read(node, key)?.cloned().unwrap_or_default());
    }
    let max = sources.iter().map(Vec::len).max().unwrap_or(0);
    let dest = &args[2];
    if max == 0 {
        if node.keyspace.remove(dest) {
            node.propagate(args.to_vec());
        }
        return Ok(Reply::int(0));
    }
    let byte = |s: &Vec<u8>, i: usize| s.get(i).copied().unwrap_or(0);
    let result: Vec<u8> = (0..max)
        .map(|i| {
            let first = byte(&sources[0], i);
            sources[1..].iter().fold(first, |acc, s| match op {
                0 => acc & byte(s, i),
                1 => acc | byte(s, i),
                2 => acc ^ byte(s, i),
                _ => acc,
            }) ^ if op == 3 { 0xff } else { 0 }
        })
        .collect();
    node.keyspace.set(dest.clone(), Value::String(result));
    node.keyspace.set_written(dest, StringWrite::InPlace);
    node.propagate(args.to_vec());
    Ok(Reply::int(max as i64))
}

/// One BITFIELD operation, parsed.
struct Op {
    kind: OpKind,
    signed: bool,
    bits: u32,
    offset: u64,
    value: i64,
    overflow: Overflow,
}

#[derive(PartialEq)]
enum OpKind {
    Get,
    Set,
    IncrBy,
}

/// `getBitfieldTypeFromArgument`: i1 to i64, or u1 to u63.
fn bitfield_type(arg: &[u8]) -> Result<(bool, u32), Reply> {
    const ERR: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(Reply::err(ERR)),
    };
    match parse_i64(&arg[1..]) {
        Ok(b) if b >= 1 && b <= if signed { 64 } else { 63 } => Ok((signed, b as u32)),
        _ => Err(Reply::err(ERR)),
    }
}

fn parse_ops(args: &[Vec<u8>]) -> Result<Vec<Op>, Reply> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < args.len() {
        let left = args.len() - j - 1;
        let kind = if is(&args[j], "get") && left >= 2 {
            OpKind::Get
        } else if is(&args[j], "set") && left >= 3 {
            OpKind::Set
        } else if is(&args[j], "incrby") && left >= 3 {
            OpKind::IncrBy
        } else if is(&args[j], "overflow") && left >= 1 {
            overflow = match ["wrap", "sat", "fail"]
                .into_iter()
                .position(|w| is(&args[j + 1], w))
            {
                Some(0) => Overflow::Wrap,
                Some(1) => Overflow::Sat,
                Some(_) => Overflow::Fail,
                None => return Err(Reply::err("ERR Invalid OVERFLOW type specified")),
            };
            j += 2;
            continue;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        };
        let (signed, bits) = bitfield_type(&args[j + 1])?;
        let offset = bit_offset(&args[j + 2], Some(bits))?;
        let value = if kind == OpKind::Get {
            0
        } else {
            parse_i64(&args[j + 3]).map_err(|_| Reply::err(ERR_NOT_INTEGER))?
        };
        j += if kind == OpKind::Get { 3 } else { 4 };
        ops.push(Op {
            kind,
            signed,
            bits,
            offset,
            value,
            overflow,
        });
    }
    Ok(ops)
}

/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
/// [OVERFLOW WRAP|SAT|FAIL]: every operation is parsed before the key is looked up.
pub fn bitfield(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    bitfield_generic(node, args, false)
}

/// BITFIELD_RO key [GET type offset …].
pub fn bitfield_ro(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    bitfield_generic(node, args, true)
}

fn bitfield_generic(node: &mut Node, args: &[Vec<u8>], read_only: bool) -> Result<Reply, Reply> {
    let ops = parse_ops(args)?;
    let writes = ops.iter().filter(|o| o.kind != OpKind::Get);
    let highest = writes.map(|o| o.offset + u64::from(o.bits) - 1).max();
    let Some(highest) = highest else {
        let s = read(node, &args[1])?.cloned().unwrap_or_default();
        return Ok(Reply::array(ops.iter().map(|o| get(&s, o)).collect()));
    };
    if read_only {
        return Err(Reply::err(
            "ERR BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let (s, grew) = for_writing(node, &args[1], highest)?;
    let mut changes = 0;
    let mut replies = Vec::new();
    for op in &ops {
        if op.kind == OpKind::Get {
            replies.push(get(s, op));
            continue;
        }
        let (old, new, overflowed, reply) = if op.signed {
            let old = bits::get_signed(s, op.offset, op.bits);
            let incr = if op.kind == OpKind::IncrBy {
                op.value
            } else {
                0
            };
            let start = if op.kind == OpKind::IncrBy {
                old
            } else {
                op.value
            };
            let (overflowed, limit) = bits::signed_overflow(start, incr, op.bits, op.overflow);
            let new = if overflowed {
                limit
            } else {
                start.wrapping_add(incr)
            };
            let reply = if op.kind == OpKind::IncrBy { new } else { old };
            (old as u64, new as u64, overflowed, reply)
        } else {
            let old = bits::get_unsigned(s, op.offset, op.bits);
            let incr = if op.kind == OpKind::IncrBy {
                op.value
            } else {
                0
            };
            let start = if op.kind == OpKind::IncrBy {
                old
            } else {
                op.value as u64
            };
            let (overflowed, limit) = bits::unsigned_overflow(start, incr, op.bits, op.overflow);
            let new = if overflowed {
                limit
            } else {
                start.wrapping_add(incr as u64)
            };
            let reply = if op.kind == OpKind::IncrBy { new } else { old };
            (old, new, overflowed, reply as i64)
        };
        if overflowed && op.overflow == Overflow::Fail {
            replies.push(Reply::nil());
            continue;
        }
        replies.push(Reply::int(reply));
        bits::set_unsigned(s, op.offset, op.bits, new);
        if grew || new & mask(op.bits) != old & mask(op.bits) {
            changes += 1;
        }
    }
    if changes > 0 {
        node.propagate(args.to_vec());
    }
    Ok(Reply::array(replies))
}

fn mask(bits: u32) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

/// A GET: the bits as stored, zeros past the end.
fn get(s: &[u8], op: &Op) -> Reply {
    if op.signed {
        Reply::int(bits::get_signed(s, op.offset, op.bits))
    } else {
        Reply::int(bits::get_unsigned(s, op.offset, op.bits) as i64)
    }
}
