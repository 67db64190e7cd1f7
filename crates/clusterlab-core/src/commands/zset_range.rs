//! Sorted-set ranges: ZRANGE in every form (by rank, BYSCORE, BYLEX, REV, LIMIT,
//! WITHSCORES), ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
//! ZREVRANGEBYLEX, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK|SCORE|LEX, with Redis's parsing
//! order (options, then the range, then the key).

use super::args::{format_double, is, parse_i64, strtod, ERR_SYNTAX};
use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::{Protocol, Reply};
use crate::types::SortedSet;

type Result = std::result::Result<Reply, Reply>;
type Bytes = Vec<u8>;

const ERR_SCORE_RANGE: &str = "ERR min or max is not a float";
const ERR_LEX_RANGE: &str = "ERR min or max not valid string range item";

/// A score range (`zrangespec`).
#[derive(Clone, Copy)]
pub(super) struct ScoreRange {
    min: f64,
    minex: bool,
    max: f64,
    maxex: bool,
}

impl ScoreRange {
    /// `zslParseRange`: `strtod` over the whole text after an optional `(`; no NaN.
    pub(super) fn parse(min: &[u8], max: &[u8]) -> std::result::Result<ScoreRange, Reply> {
        let bound = |a: &[u8]| {
            let (ex, text) = match a.strip_prefix(b"(") {
                Some(rest) => (true, rest),
                None => (false, a),
            };
            let (v, used, _) = strtod(text);
            (used == text.len() && !v.is_nan()).then_some((v, ex))
        };
        match (bound(min), bound(max)) {
            (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange {
                min,
                minex,
                max,
                maxex,
            }),
            _ => Err(Reply::err(ERR_SCORE_RANGE)),
        }
    }

    fn gte_min(&self, s: f64) -> bool {
        if self.minex {
            s > self.min
        } else {
            s >= self.min
        }
    }

    fn lte_max(&self, s: f64) -> bool {
        if self.maxex {
            s < self.max
        } else {
            s <= self.max
        }
    }

    fn empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// One end of a lex range (`-`, `+`, `[x`, `(x`).
#[derive(Clone, PartialEq)]
enum Lex {
    Min,
    Max,
    Incl(Bytes),
    Excl(Bytes),
}

#[derive(Clone)]
pub(super) struct LexRange {
    min: Lex,
    max: Lex,
}

impl Lex {
    fn parse(a: &[u8]) -> Option<Lex> {
        match a.first()? {
            b'+' if a.len() == 1 => Some(Lex::Max),
            b'-' if a.len() == 1 => Some(Lex::Min),
            b'(' => Some(Lex::Excl(a[1..].to_vec())),
            b'[' => Some(Lex::Incl(a[1..].to_vec())),
            _ => None,
        }
    }

    fn text(&self) -> Option<&[u8]> {
        match self {
            Lex::Incl(x) | Lex::Excl(x) => Some(x),
            _ => None,
        }
    }

    fn exclusive(&self) -> bool {
        !matches!(self, Lex::Incl(_))
    }
}

impl LexRange {
    pub(super) fn parse(min: &[u8], max: &[u8]) -> std::result::Result<LexRange, Reply> {
        match (Lex::parse(min), Lex::parse(max)) {
            (Some(min), Some(max)) => Ok(LexRange { min, max }),
            _ => Err(Reply::err(ERR_LEX_RANGE)),
        }
    }

    fn gte_min(&self, m: &[u8]) -> bool {
        match &self.min {
            Lex::Min => true,
            Lex::Max => false,
            Lex::Incl(x) => m >= x.as_slice(),
            Lex::Excl(x) => m > x.as_slice(),
        }
    }

    fn lte_max(&self, m: &[u8]) -> bool {
        match &self.max {
            Lex::Max => true,
            Lex::Min => false,
            Lex::Incl(x) => m <= x.as_slice(),
            Lex::Excl(x) => m < x.as_slice(),
        }
    }

    /// `sdscmplex(min, max) > 0`, or equal with an exclusive end.
    fn empty(&self) -> bool {
        use std::cmp::Ordering::*;
        let cmp = match (&self.min, &self.max) {
            (a, b) if a == b && a.text().is_none() => Equal,
            (Lex::Min, _) | (_, Lex::Max) => Less,
            (Lex::Max, _) | (_, Lex::Min) => Greater,
            (a, b) => a.text().cmp(&b.text()),
        };
        cmp == Greater || (cmp == Equal && (self.min.exclusive() || self.max.exclusive()))
    }
}

/// What a range selects by.
#[derive(Clone)]
pub(super) enum Range {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// The ascending ranks `[first, end)` a score range covers.
fn score_span(z: &SortedSet, r: &ScoreRange) -> (usize, usize) {
    if r.empty() {
        return (0, 0);
    }
    let first = z.count_while(|s, _| !r.gte_min(s));
    let end = z.count_while(|s, _| r.lte_max(s));
    (first, end.max(first))
}

/// `zzlIsInLexRange`: a range that is not empty, with the last member at or past its
/// minimum and the first at or below its maximum.
fn lex_in_range(z: &SortedSet, r: &LexRange) -> bool {
    let len = z.len();
    if r.empty() || len == 0 {
        return false;
    }
    let last = z
        .get(len - 1)
        .map(|(_, m)| m.as_slice())
        .unwrap_or_default();
    let head = z.get(0).map(|(_, m)| m.as_slice()).unwrap_or_default();
    r.gte_min(last) && r.lte_max(head)
}

/// The ascending ranks `[first, end)` a lex range covers. A listpack is walked as Redis
/// walks it (the first member at or past the minimum, then while at or below the
/// maximum), which also decides the answer when scores differ; a skiplist is searched.
fn lex_span(z: &SortedSet, r: &LexRange) -> (usize, usize) {
    if !lex_in_range(z, r) {
        return (0, 0);
    }
    if z.is_listpack() {
        let Some(first) = z.iter().position(|(_, m)| r.gte_min(m)) else {
            return (0, 0);
        };
        let n = z
            .iter_from(first, false)
            .take_while(|(_, m)| r.lte_max(m))
            .count();
        return (first, first + n);
    }
    let first = z.count_while(|_, m| !r.gte_min(m));
    let end = z.count_while(|_, m| r.lte_max(m));
    (first, end.max(first))
}

/// The ascending ranks `[first, end)` a lex range covers walking from the end (REV): the
/// last member at or below the maximum, then back while at or past the minimum.
fn lex_span_rev(z: &SortedSet, r: &LexRange) -> (usize, usize) {
    if !z.is_listpack() {
        return lex_span(z, r);
    }
    if !lex_in_range(z, r) {
        return (0, 0);
    }
    let len = z.len();
    let Some(back) = z.iter_from(len - 1, true).position(|(_, m)| r.lte_max(m)) else {
        return (0, 0);
    };
    let last = len - 1 - back;
    let n = z
        .iter_from(last, true)
        .take_while(|(_, m)| r.gte_min(m))
        .count();
    (last + 1 - n, last + 1)
}

/// The elements a range selects, in reply order, after OFFSET/LIMIT (a negative offset
/// selects nothing, a negative count everything after the offset).
pub(super) fn select(
    z: &SortedSet,
    range: &Range,
    rev: bool,
    limit: Option<(i64, i64)>,
) -> Vec<(f64, Bytes)> {
    let len = z.len();
    let (first, end) = match range {
        Range::Rank(start, stop) => match super::lists::index_range(*start, *stop, len) {
            Some((s, e)) if rev => (len - 1 - e, len - s),
            Some((s, e)) => (s, e + 1),
            None => (0, 0),
        },
        Range::Score(r) => score_span(z, r),
        Range::Lex(r) if rev => lex_span_rev(z, r),
        Range::Lex(r) => lex_span(z, r),
    };
    if first >= end {
        return Vec::new();
    }
    // A rank range ignores LIMIT (given with a count of -1, it passes the checks).
    let limit = limit.filter(|_| !matches!(range, Range::Rank(..)));
    let (offset, count) = limit.unwrap_or((0, -1));
    if offset < 0 {
        return Vec::new();
    }
    let available = (end - first).saturating_sub(offset as usize);
    let take = if count < 0 {
        available
    } else {
        available.min(count as usize)
    };
    let start = if rev {
        (end - 1).checked_sub(offset as usize)
    } else {
        Some(first + offset as usize)
    };
    let Some(start) = start.filter(|_| take > 0) else {
        return Vec::new();
    };
    z.iter_from(start, rev)
        .take(take)
        .map(|(s, m)| (s, m.clone()))
        .collect()
}

/// Members (with their scores when asked: pairs in RESP3, flat in RESP2).
pub(super) fn elements_reply(items: Vec<(f64, Bytes)>, withscores: bool, resp3: bool) -> Reply {
    let mut out = Vec::with_capacity(items.len() * if withscores { 2 } else { 1 });
    for (s, m) in items {
        let score = Reply::Double(format_double(s));
        match (withscores, resp3) {
            (false, _) => out.push(Reply::bulk(m)),
            (true, true) => out.push(Reply::array(vec![Reply::bulk(m), score])),
            (true, false) => out.extend([Reply::bulk(m), score]),
        }
    }
    Reply::array(out)
}

#[derive(Clone, Copy, PartialEq)]
enum By {
    Auto,
    Rank,
    Score,
    Lex,
}

/// `zrangeGenericCommand`: the key at `at`, then min and max, then the options.
fn zrange_generic(
    node: &mut Node,
    c: u64,
    args: &[Vec<u8>],
    at: usize,
    store: bool,
    mut by: By,
    mut rev: Option<bool>,
) -> Result {
    let mut withscores = false;
    let mut limit = None;
    let mut j = at + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        if !store && is(&args[j], "withscores") {
            withscores = true;
        } else if is(&args[j], "limit") && left >= 2 {
            limit = Some((parse_i64(&args[j + 1])?, parse_i64(&args[j + 2])?));
            j += 2;
        } else if rev.is_none() && is(&args[j], "rev") {
            rev = Some(true);
        } else if by == By::Auto && is(&args[j], "bylex") {
            by = By::Lex;
        } else if by == By::Auto && is(&args[j], "byscore") {
            by = By::Score;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        j += 1;
    }
    let rev = rev.unwrap_or(false);
    if by == By::Auto {
        by = By::Rank;
    }
    // Redis tells LIMIT was given by its count not being -1 (the default).
    if limit.is_some_and(|(_, count)| count != -1) && by == By::Rank {
        return Err(Reply::err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && by == By::Lex {
        return Err(Reply::err(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let (mut lo, mut hi) = (&args[at + 1], &args[at + 2]);
    if rev && by != By::Rank {
        std::mem::swap(&mut lo, &mut hi);
    }
    let range = match by {
        By::Score => Range::Score(ScoreRange::parse(lo, hi)?),
        By::Lex => Range::Lex(LexRange::parse(lo, hi)?),
        _ => Range::Rank(parse_i64(lo)?, parse_i64(hi)?),
    };
    let items = match node.keyspace.zset(&args[at], node.now)? {
        Some(z) => select(z, &range, rev, limit),
        None => Vec::new(),
    };
    if !store {
        let resp3 = node.protocol(c) == Protocol::Resp3;
        return Ok(elements_reply(items, withscores, resp3));
    }
    let dst = &args[1];
    let n = items.len();
    if n > 0 {
        // `zrangeResultBeginStore`: a skiplist for a rank range past the listpack limit.
        let lim = node.keyspace.limits;
        let mut z = if matches!(range, Range::Rank(..)) && n > lim.zset_entries {
            SortedSet::skiplist()
        } else {
            SortedSet::default()
        };
        for (s, m) in items {
            z.insert(m, s, &lim);
        }
        node.keyspace.remove(dst);
        node.keyspace.set(dst.clone(), Value::ZSet(z));
        node.propagate(args.to_vec());
    } else if node.keyspace.remove(dst) {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(n as i64))
}

pub fn zrange(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 1, false, By::Auto, None)
}

pub fn zrangestore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 2, true, By::Auto, None)
}

pub fn zrevrange(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 1, false, By::Rank, Some(true))
}

pub fn zrangebyscore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 1, false, By::Score, Some(false))
}

pub fn zrevrangebyscore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 1, false, By::Score, Some(true))
}

pub fn zrangebylex(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 1, false, By::Lex, Some(false))
}

pub fn zrevrangebylex(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    zrange_generic(node, c, args, 1, false, By::Lex, Some(true))
}

/// `ZCOUNT key min max`.
pub fn zcount(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let r = ScoreRange::parse(&args[2], &args[3])?;
    let n = node.keyspace.zset(&args[1], node.now)?.map_or(0, |z| {
        let (a, b) = score_span(z, &r);
        b - a
    });
    Ok(Reply::int(n as i64))
}

/// `ZLEXCOUNT key min max`.
pub fn zlexcount(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let r = LexRange::parse(&args[2], &args[3])?;
    let n = node.keyspace.zset(&args[1], node.now)?.map_or(0, |z| {
        let (a, b) = lex_span(z, &r);
        b - a
    });
    Ok(Reply::int(n as i64))
}

fn zremrange(node: &mut Node, args: &[Vec<u8>], range: Range) -> Result {
    let Some(z) = node.keyspace.zset_mut(&args[1], node.now)? else {
        return Ok(Reply::int(0));
    };
    let doomed = select(z, &range, false, None);
    for (_, m) in &doomed {
        z.remove(m);
    }
    node.keyspace.remove_if_empty(&args[1]);
    if !doomed.is_empty() {
        node.propagate(args.to_vec());
    }
    Ok(Reply::int(doomed.len() as i64))
}

pub fn zremrangebyrank(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let range = Range::Rank(parse_i64(&args[2])?, parse_i64(&args[3])?);
    zremrange(node, args, range)
}

pub fn zremrangebyscore(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let range = Range::Score(ScoreRange::parse(&args[2], &args[3])?);
    zremrange(node, args, range)
}

pub fn zremrangebylex(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let range = Range::Lex(LexRange::parse(&args[2], &args[3])?);
    zremrange(node, args, range)
}
