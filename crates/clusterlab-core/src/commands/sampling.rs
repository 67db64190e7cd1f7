//! The draws of the random-member commands (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER): which
//! positions of a collection a count picks, from the node's seeded RNG.

use super::args::{parse_i64, ERR_NOT_INTEGER};
use crate::reply::Reply;
use crate::rng::SimRng;

/// `getRangeLongFromObjectOrReply(…, -LONG_MAX, LONG_MAX, …)`: a count argument.
pub fn parse_count(arg: &[u8]) -> Result<i64, Reply> {
    match parse_i64(arg) {
        Ok(i64::MIN) => Err(Reply::err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(Reply::err(ERR_NOT_INTEGER)),
    }
}

/// The positions `count` picks from a collection of `size`: for a negative count (or 1)
/// that many draws that may repeat; for a count at least the size, every position in
/// order; otherwise that many distinct positions.
pub fn picks(rng: &mut SimRng, size: usize, count: i64) -> Result<Vec<usize>, Reply> {
    if count == 0 || size == 0 {
        return Ok(Vec::new());
    }
    if count < 0 || count == 1 {
        if count.unsigned_abs() > super::MAX_REPLY_ELEMENTS {
            return Err(Reply::err(super::TOO_MANY_ELEMENTS));
        }
        return Ok((0..count.unsigned_abs()).map(|_| rng.index(size)).collect());
    }
    if count as u64 >= size as u64 {
        return Ok((0..size).collect());
    }
    // Distinct picks: a partial Fisher–Yates shuffle.
    let mut pool: Vec<usize> = (0..size).collect();
    let count = count as usize;
    for i in 0..count {
        let j = i + rng.index(size - i);
        pool.swap(i, j);
    }
    pool.truncate(count);
    Ok(pool)
}
