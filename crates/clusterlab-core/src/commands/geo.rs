//! Geo commands (`geo.c`): GEOADD (a ZADD of computed scores, replicated as that ZADD),
//! GEOPOS, GEODIST, GEOHASH, and the searches GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
//! GEORADIUSBYMEMBER and their `_RO` forms, with `georadiusGeneric`'s argument order and
//! errors. The arithmetic is `types/geo.rs`.

use super::args::{is, parse_f64, parse_i64, ERR_NOT_FLOAT, ERR_SYNTAX, ERR_WRONGTYPE};
use crate::keyspace::Value;
use crate::long_double::LongDouble;
use crate::node::Node;
use crate::reply::Reply;
use crate::types::geo::{self, Shape, ShapeKind};
use crate::types::SortedSet;

type Result = std::result::Result<Reply, Reply>;

/// The sorted set at `key` (None if missing), or WRONGTYPE.
fn zset<'a>(node: &'a Node, key: &[u8]) -> std::result::Result<Option<&'a SortedSet>, Reply> {
    match node.keyspace.get(key, node.now) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => Err(Reply::err(ERR_WRONGTYPE)),
    }
}

/// `extractLongLatOrReply`.
fn lon_lat(args: &[Vec<u8>]) -> std::result::Result<(f64, f64), Reply> {
    let lon = parse_f64(&args[0], ERR_NOT_FLOAT)?;
    let lat = parse_f64(&args[1], ERR_NOT_FLOAT)?;
    if !(geo::LONG_MIN..=geo::LONG_MAX).contains(&lon)
        || !(geo::LAT_MIN..=geo::LAT_MAX).contains(&lat)
    {
        return Err(Reply::err(format!(
            "ERR invalid longitude,latitude pair {lon:.6},{lat:.6}"
        )));
    }
    Ok((lon, lat))
}

/// `extractUnitOrReply`: metres per unit.
fn unit(arg: &[u8]) -> std::result::Result<f64, Reply> {
    [("m", 1.0), ("km", 1000.0), ("ft", 0.3048), ("mi", 1609.34)]
        .into_iter()
        .find(|(u, _)| is(arg, u))
        .map(|(_, m)| m)
        .ok_or_else(|| Reply::err("ERR unsupported unit provided. please use M, KM, FT, MI"))
}

/// `extractDistanceOrReply`: a radius and its unit.
fn radius(args: &[Vec<u8>]) -> std::result::Result<(f64, f64), Reply> {
    let r = parse_f64(&args[0], "ERR need numeric radius")?;
    if r < 0.0 {
        return Err(Reply::err("ERR radius cannot be negative"));
    }
    Ok((r, unit(&args[1])?))
}

/// `addReplyHumanLongDouble`: a coordinate as `%.17Lf`, trailing zeros trimmed.
fn coordinate(v: f64) -> Reply {
    Reply::bulk(LongDouble::from_f64(v).to_human())
}

/// GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD of the scores.
pub fn geoadd(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    let mut at = 2;
    let (mut nx, mut xx) = (false, false);
    while at < args.len() {
        if is(&args[at], "nx") {
            nx = true;
        } else if is(&args[at], "xx") {
            xx = true;
        } else if !is(&args[at], "ch") {
            break;
        }
        at += 1;
    }
    if (args.len() - at) % 3 != 0 || (xx && nx) {
        return Err(Reply::err(ERR_SYNTAX));
    }
    let mut zadd = vec![b"zadd".to_vec()];
    zadd.extend(args[1..at].iter().cloned());
    for triple in args[at..].chunks(3) {
        let (lon, lat) = lon_lat(triple)?;
        zadd.push(geo::score_of(lon, lat).to_string().into_bytes());
        zadd.push(triple[2].clone());
    }
    super::zsets::zadd(node, c, &zadd)
}

/// GEOPOS key [member ...]: each member's position, or a null array.
pub fn geopos(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let z = zset(node, &args[1])?;
    Ok(Reply::array(
        args[2..]
            .iter()
            .map(
                |m| match z.and_then(|z| z.score(m)).and_then(geo::position) {
                    Some((lon, lat)) => Reply::array(vec![coordinate(lon), coordinate(lat)]),
                    None => Reply::Array(None),
                },
            )
            .collect(),
    ))
}

/// GEOHASH key [member ...]: each member's standard 11-character geohash, or null.
pub fn geohash(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let z = zset(node, &args[1])?;
    Ok(Reply::array(
        args[2..]
            .iter()
            .map(
                |m| match z.and_then(|z| z.score(m)).and_then(geo::position) {
                    Some((lon, lat)) => Reply::bulk(geo::geohash_string(lon, lat)),
                    None => Reply::nil(),
                },
            )
            .collect(),
    ))
}

/// GEODIST key member1 member2 [M|KM|FT|MI]: the unit is read before the key.
pub fn geodist(node: &mut Node, _c: u64, args: &[Vec<u8>]) -> Result {
    let to_meter = match args.len() {
        5 => unit(&args[4])?,
        4 => 1.0,
        _ => return Err(Reply::err(ERR_SYNTAX)),
    };
    let Some(z) = zset(node, &args[1])? else {
        return Ok(Reply::nil());
    };
    let a = z.score(&args[2]).and_then(geo::position);
    let b = z.score(&args[3]).and_then(geo::position);
    Ok(match (a, b) {
        (Some(a), Some(b)) => Reply::bulk(geo::format_distance(
            geo::distance(a.0, a.1, b.0, b.1) / to_meter,
        )),
        _ => Reply::nil(),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Radius,
    ByMember,
    Search,
    SearchStore,
}

pub fn georadius(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    search(node, c, args, Form::Radius, true)
}

pub fn georadius_ro(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    search(node, c, args, Form::Radius, false)
}

pub fn georadiusbymember(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    search(node, c, args, Form::ByMember, true)
}

pub fn georadiusbymember_ro(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    search(node, c, args, Form::ByMember, false)
}

pub fn geosearch(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    search(node, c, args, Form::Search, false)
}

pub fn geosearchstore(node: &mut Node, c: u64, args: &[Vec<u8>]) -> Result {
    search(node, c, args, Form::SearchStore, false)
}

/// What a search found: member, score, distance in metres, position.
struct Point {
    member: Vec<u8>,
    score: f64,
    dist: f64,
    lon: f64,
    lat: f64,
}

/// The options after the fixed arguments, parsed in `georadiusGeneric`'s order.
#[derive(Default)]
struct Options {
    withdist: bool,
    withhash: bool,
    withcoord: bool,
    any: bool,
    sort: Option<bool>,
    count: i64,
    store: Option<(Vec<u8>, bool)>,
    from: bool,
    by: bool,
}

/// `georadiusGeneric`.
fn search(node: &mut Node, _c: u64, args: &[Vec<u8>], form: Form, may_store: bool) -> Result {
    let src_at = if form == Form::SearchStore { 2 } else { 1 };
    let src = args[src_at].clone();
    let z = zset(node, &src)?.cloned();
    let mut center = (0.0, 0.0);
    let mut kind = ShapeKind::Radius(0.0);
    let mut conversion = 1.0;
    let base = match form {
        Form::Radius => {
            center = lon_lat(&args[2..4])?;
            let (r, u) = radius(&args[4..6])?;
            (kind, conversion) = (ShapeKind::Radius(r), u);
            6
        }
        Form::ByMember => {
            if let Some(z) = &z {
                center = z
                    .score(&args[2])
                    .and_then(geo::position)
                    .ok_or_else(|| Reply::err("ERR could not decode requested zset member"))?;
                let (r, u) = radius(&args[3..5])?;
                (kind, conversion) = (ShapeKind::Radius(r), u);
            }
            5
        }
        Form::Search => 2,
        Form::SearchStore => 3,
    };
    let searching = matches!(form, Form::Search | Form::SearchStore);
    let mut o = Options::default();
    if form == Form::SearchStore {
        o.store = Some((args[1].clone(), false));
    }
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let rest = &args[base..];
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        let left = rest.len() - i - 1;
        if is(a, "withdist") {
            o.withdist = true;
        } else if is(a, "withhash") {
            o.withhash = true;
        } else if is(a, "withcoord") {
            o.withcoord = true;
        } else if is(a, "any") {
            o.any = true;
        } else if is(a, "asc") {
            o.sort = Some(true);
        } else if is(a, "desc") {
            o.sort = Some(false);
        } else if is(a, "count") && left >= 1 {
            o.count = parse_i64(&rest[i + 1])?;
            if o.count <= 0 {
                return Err(Reply::err("ERR COUNT must be > 0"));
            }
            i += 1;
        } else if (is(a, "store") || is(a, "storedist")) && left >= 1 && may_store {
            o.store = Some((rest[i + 1].clone(), is(a, "storedist")));
            i += 1;
        } else if is(a, "storedist") && form == Form::SearchStore {
            o.store = Some((args[1].clone(), true));
        } else if is(a, "frommember") && left >= 1 && searching && !fromloc {
            if let Some(z) = &z {
                center = z
                    .score(&rest[i + 1])
                    .and_then(geo::position)
                    .ok_or_else(|| Reply::err("ERR could not decode requested zset member"))?;
            }
            frommember = true;
            i += 1;
        } else if is(a, "fromlonlat") && left >= 2 && searching && !frommember {
            center = lon_lat(&rest[i + 1..i + 3])?;
            fromloc = true;
            i += 2;
        } else if is(a, "byradius") && left >= 2 && searching && !bybox {
            let (r, u) = radius(&rest[i + 1..i + 3])?;
            (kind, conversion) = (ShapeKind::Radius(r), u);
            byradius = true;
            i += 2;
        } else if is(a, "bybox") && left >= 3 && searching && !byradius {
            let width = parse_f64(&rest[i + 1], "ERR need numeric width")?;
            let height = parse_f64(&rest[i + 2], "ERR need numeric height")?;
            if height < 0.0 || width < 0.0 {
                return Err(Reply::err("ERR height or width cannot be negative"));
            }
            conversion = unit(&rest[i + 3])?;
            kind = ShapeKind::Box { width, height };
            bybox = true;
            i += 3;
        } else {
            return Err(Reply::err(ERR_SYNTAX));
        }
        i += 1;
    }
    o.from = frommember || fromloc;
    o.by = byradius || bybox;
    if o.store.is_some() && (o.withdist || o.withhash || o.withcoord) {
        let what = if form == Form::SearchStore {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        return Err(Reply::err(format!(
            "ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        )));
    }
    let name = String::from_utf8_lossy(&args[0]);
    if searching && !o.from {
        return Err(Reply::err(format!(
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        )));
    }
    if searching && !o.by {
        return Err(Reply::err(format!(
            "ERR exactly one of BYRADIUS and BYBOX can be specified for {name}"
        )));
    }
    if o.any && o.count == 0 {
        return Err(Reply::err("ERR the ANY argument requires COUNT argument"));
    }
    let Some(z) = z else {
        return Ok(match o.store {
            Some((dest, _)) => {
                if node.keyspace.remove(&dest) {
                    node.propagate(args.to_vec());
                }
                Reply::int(0)
            }
            None => Reply::array(Vec::new()),
        });
    };
    if o.count != 0 && o.sort.is_none() && !o.any {
        o.sort = Some(true);
    }
    let shape = Shape {
        lon: center.0,
        lat: center.1,
        conversion,
        kind,
    };
    let points = find(&z, &shape, if o.any { o.count as usize } else { 0 });
    finish(node, args, points, &o, conversion)
}

/// `membersOfAllNeighbors`: the points inside the shape, box by box in score order,
/// stopping at `limit` (ANY) when it is not 0.
fn find(z: &SortedSet, shape: &Shape, limit: usize) -> Vec<Point> {
    let mut found = Vec::new();
    for (min, max) in geo::search_ranges(shape) {
        if limit > 0 && found.len() >= limit {
            break;
        }
        let (min, max) = (min as f64, max as f64);
        let first = z.count_while(|s, _| s < min);
        for (score, member) in z.iter_from(first, false) {
            if score >= max {
                break;
            }
            if let Some((lon, lat)) = geo::position(score) {
                if let Some(dist) = geo::within(shape, lon, lat) {
                    found.push(Point {
                        member: member.clone(),
                        score,
                        dist,
                        lon,
                        lat,
                    });
                }
            }
            if limit > 0 && found.len() >= limit {
                break;
            }
        }
    }
    found
}

/// Sorting, then the reply or the stored set.
fn finish(
    node: &mut Node,
    args: &[Vec<u8>],
    mut points: Vec<Point>,
    o: &Options,
    conversion: f64,
) -> Result {
    if points.is_empty() && o.store.is_none() {
        return Ok(Reply::array(Vec::new()));
    }
    if let Some(asc) = o.sort {
        crate::order::sort_by(&mut points, |a, b| {
            let order = a
                .dist
                .partial_cmp(&b.dist)
                .unwrap_or(std::cmp::Ordering::Equal);
            if asc {
                order
            } else {
                order.reverse()
            }
        });
    }
    let returned = if o.count == 0 {
        points.len()
    } else {
        points.len().min(o.count as usize)
    };
    points.truncate(returned);
    for p in &mut points {
        p.dist /= conversion;
    }
    let Some((dest, storedist)) = &o.store else {
        let options = usize::from(o.withdist) + usize::from(o.withhash) + usize::from(o.withcoord);
        return Ok(Reply::array(
            points
                .into_iter()
                .map(|p| {
                    if options == 0 {
                        return Reply::bulk(p.member);
                    }
                    let mut item = vec![Reply::bulk(p.member)];
                    if o.withdist {
                        item.push(Reply::bulk(geo::format_distance(p.dist)));
                    }
                    if o.withhash {
                        item.push(Reply::int(p.score as i64));
                    }
                    if o.withcoord {
                        item.push(Reply::array(vec![coordinate(p.lon), coordinate(p.lat)]));
                    }
                    Reply::array(item)
                })
                .collect(),
        ));
    };
    if points.is_empty() {
        if node.keyspace.remove(dest) {
            node.propagate(args.to_vec());
        }
        return Ok(Reply::int(0));
    }
    let limits = node.keyspace.limits;
    let mut stored = SortedSet::skiplist();
    for p in points {
        stored.insert(p.member, if *storedist { p.dist } else { p.score }, &limits);
    }
    stored.shrink_encoding(&limits);
    let n = stored.len();
    node.keyspace.remove(dest);
    node.keyspace.set(dest.clone(), Value::ZSet(stored));
    node.propagate(args.to_vec());
    Ok(Reply::int(n as i64))
}
