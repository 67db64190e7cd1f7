//! LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (`lcsCommand`): the longest
//! common subsequence by Redis's dynamic programming table, walked back from the end so
//! the string, its length and the matched ranges come out as Redis gives them.

use super::args::{is, parse_i64, ERR_SYNTAX};
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::Reply;

/// Redis refuses a table past `proto-max-bulk-len`.
const MAX_TABLE: u64 = 512 * 1024 * 1024;
/// The simulation computes tables of at most this many bytes (one process serves every
/// node, and the playground runs in a browser tab).
const SIM_MAX_TABLE: u64 = 32 * 1024 * 1024;

pub fn lcs(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result<Reply, Reply> {
    let string = |key: &[u8]| match node.keyspace.get(key, node.now) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Reply::err(
            "ERR The specified keys must contain string values",
        )),
    };
    let (a, b) = (string(&args[1]), string(&args[2]));
    let (a, b) = (a?, b?);
    let (mut len_only, mut idx, mut withmatchlen, mut minmatchlen) = (false, false, false, 0i64);
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        if is(&args[j], "idx") {
            idx = true;
        } else if is(&args[j], "len") {
            len_only = true;
        } else if is(&args[j], "withmatchlen") {
            withmatchlen = true;
        } else if is(&args[j], "minmatchlen") && more {
            minmatchlen = parse_i64(&args[j + 1])?.max(0);
            j += 1;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    if len_only && idx {
        return Err(Reply::err(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells * 4 > MAX_TABLE {
        return Err(Reply::err(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    if cells * 4 > SIM_MAX_TABLE {
        return Err(Reply::err(
            "ERR ClusterLab computes LCS tables of at most 33554432 bytes",
        ));
    }
    let w = blen + 1;
    let mut t = vec![0u32; cells as usize];
    for i in 1..=alen {
        for j in 1..=blen {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[alen * w + blen];
    if len_only {
        return Ok(Reply::int(i64::from(total)));
    }
    // Walk back from the end, collecting the string and the contiguous ranges.
    let mut result = vec![0u8; total as usize];
    let mut k = total as usize;
    let mut matches = Vec::new();
    let unset = alen;
    let (mut astart, mut aend, mut bstart, mut bend) = (unset, 0, 0, 0);
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[k - 1] = a[i - 1];
            if astart == unset {
                (astart, aend, bstart, bend) = (i - 1, i - 1, j - 1, j - 1);
            } else if astart == i && bstart == j {
                astart -= 1;
                bstart -= 1;
            } else {
                emit = true;
            }
            if astart == 0 || bstart == 0 {
                emit = true;
            }
            k -= 1;
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * w + j] > t[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if astart != unset {
                emit = true;
            }
        }
        if emit {
            let match_len = aend.wrapping_sub(astart).wrapping_add(1);
            if minmatchlen == 0 || match_len as i64 >= minmatchlen {
                let mut m = vec![
                    Reply::array(vec![Reply::int(astart as i64), Reply::int(aend as i64)]),
                    Reply::array(vec![Reply::int(bstart as i64), Reply::int(bend as i64)]),
                ];
                if withmatchlen {
                    m.push(Reply::int(match_len as i64));
                }
                matches.push(Reply::array(m));
            }
            astart = unset;
        }
    }
    if idx {
        return Ok(Reply::map_flat(vec![
            Reply::bulk("matches"),
            Reply::array(matches),
            Reply::bulk("len"),
            Reply::int(i64::from(total)),
        ]));
    }
    Ok(Reply::bulk(result))
}
