//! Geo as Redis 7.0 computes it (`geohash.c`, `geohash_helper.c`): a position is a sorted
//! set score, the 52-bit interleaving of latitude (−85.05112878 to 85.05112878) and
//! longitude (−180 to 180) at 26 steps; searches cover the centre box and its eight
//! neighbours at a step chosen from the radius; distances are haversine on a sphere of
//! 6372797.560856 m. Trigonometry goes through the `libm` crate, so every platform (and
//! WebAssembly) computes the same bits.

pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;
pub const LAT_MIN: f64 = -85.051_128_78;
pub const LAT_MAX: f64 = 85.051_128_78;
const STEP_MAX: u8 = 26;
const EARTH_RADIUS: f64 = 6_372_797.560_856;
const MERCATOR_MAX: f64 = 20_037_726.37;
const D_R: f64 = std::f64::consts::PI / 180.0;

/// A geohash: `step` bits of longitude and latitude, interleaved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hash {
    pub bits: u64,
    pub step: u8,
}

impl Hash {
    fn is_zero(self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

/// A box: longitude and latitude ranges.
#[derive(Clone, Copy, Debug, Default)]
pub struct Area {
    pub lon: (f64, f64),
    pub lat: (f64, f64),
}

fn interleave(xlo: u32, ylo: u32) -> u64 {
    const B: [u64; 5] = [
        0x5555_5555_5555_5555,
        0x3333_3333_3333_3333,
        0x0F0F_0F0F_0F0F_0F0F,
        0x00FF_00FF_00FF_00FF,
        0x0000_FFFF_0000_FFFF,
    ];
    let (mut x, mut y) = (u64::from(xlo), u64::from(ylo));
    for (s, b) in [(16, B[4]), (8, B[3]), (4, B[2]), (2, B[1]), (1, B[0])] {
        x = (x | (x << s)) & b;
        y = (y | (y << s)) & b;
    }
    x | (y << 1)
}

fn deinterleave(v: u64) -> u64 {
    const B: [u64; 6] = [
        0x5555_5555_5555_5555,
        0x3333_3333_3333_3333,
        0x0F0F_0F0F_0F0F_0F0F,
        0x00FF_00FF_00FF_00FF,
        0x0000_FFFF_0000_FFFF,
        0x0000_0000_FFFF_FFFF,
    ];
    let (mut x, mut y) = (v, v >> 1);
    for (s, b) in [
        (0, B[0]),
        (1, B[1]),
        (2, B[2]),
        (4, B[3]),
        (8, B[4]),
        (16, B[5]),
    ] {
        x = (x | (x >> s)) & b;
        y = (y | (y >> s)) & b;
    }
    x | (y << 32)
}

/// `geohashEncode` within the given ranges (None outside them).
pub fn encode_in(
    lon_range: (f64, f64),
    lat_range: (f64, f64),
    lon: f64,
    lat: f64,
    step: u8,
) -> Option<Hash> {
    if !(LONG_MIN..=LONG_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return None;
    }
    if lat < lat_range.0 || lat > lat_range.1 || lon < lon_range.0 || lon > lon_range.1 {
        return None;
    }
    let scale = (1u64 << step) as f64;
    let lat_offset = (lat - lat_range.0) / (lat_range.1 - lat_range.0) * scale;
    let lon_offset = (lon - lon_range.0) / (lon_range.1 - lon_range.0) * scale;
    Some(Hash {
        bits: interleave(lat_offset as u32, lon_offset as u32),
        step,
    })
}

fn encode(lon: f64, lat: f64, step: u8) -> Hash {
    encode_in((LONG_MIN, LONG_MAX), (LAT_MIN, LAT_MAX), lon, lat, step)
        .unwrap_or(Hash { bits: 0, step })
}

/// The 52-bit score of a position.
pub fn score_of(lon: f64, lat: f64) -> u64 {
    align52(encode(lon, lat, STEP_MAX))
}

fn align52(h: Hash) -> u64 {
    h.bits << (52 - u32::from(h.step) * 2)
}

/// `geohashDecode` in the geo ranges.
fn decode(h: Hash) -> Option<Area> {
    if h.is_zero() {
        return None;
    }
    let sep = deinterleave(h.bits);
    let (ilat, ilon) = (f64::from(sep as u32), f64::from((sep >> 32) as u32));
    let div = (1u64 << h.step) as f64;
    let (lat_scale, lon_scale) = (LAT_MAX - LAT_MIN, LONG_MAX - LONG_MIN);
    Some(Area {
        lat: (
            LAT_MIN + (ilat / div) * lat_scale,
            LAT_MIN + ((ilat + 1.0) / div) * lat_scale,
        ),
        lon: (
            LONG_MIN + (ilon / div) * lon_scale,
            LONG_MIN + ((ilon + 1.0) / div) * lon_scale,
        ),
    })
}

/// C's `(uint64_t)` of a double as x86-64 compiles it: truncation through a signed
/// conversion, whose out-of-range result is 0x8000000000000000.
fn c_to_u64(v: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let signed = |x: f64| {
        if x.is_nan() || !(-TWO_63..TWO_63).contains(&x) {
            1u64 << 63
        } else {
            x as i64 as u64
        }
    };
    if v < TWO_63 {
        signed(v)
    } else {
        signed(v - TWO_63) ^ (1 << 63)
    }
}

/// A score's position: the centre of its 26-step box, clamped to the ranges (any
/// score decodes, a sorted set's members need not have been added by GEOADD).
pub fn position(score: f64) -> Option<(f64, f64)> {
    let area = decode(Hash {
        bits: c_to_u64(score),
        step: STEP_MAX,
    })?;
    let lon = ((area.lon.0 + area.lon.1) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((area.lat.0 + area.lat.1) / 2.0).clamp(LAT_MIN, LAT_MAX);
    Some((lon, lat))
}

/// GEOHASH's 11-character string: the position re-encoded in the standard ranges.
pub fn geohash_string(lon: f64, lat: f64) -> String {
    const ALPHABET: &[u8] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let bits = encode_in((-180.0, 180.0), (-90.0, 90.0), lon, lat, 26).map_or(0, |h| h.bits);
    (0..11)
        .map(|i| {
            let idx = if i == 10 {
                0
            } else {
                (bits >> (52 - (i + 1) * 5)) & 0x1f
            };
            ALPHABET[idx as usize] as char
        })
        .collect()
}

fn move_x(h: &mut Hash, d: i8) {
    if d == 0 {
        return;
    }
    let mut x = h.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let y = h.bits & 0x5555_5555_5555_5555;
    let zz = 0x5555_5555_5555_5555u64 >> (64 - u32::from(h.step) * 2);
    if d > 0 {
        x = x.wrapping_add(zz + 1);
    } else {
        x |= zz;
        x = x.wrapping_sub(zz + 1);
    }
    x &= 0xaaaa_aaaa_aaaa_aaaau64 >> (64 - u32::from(h.step) * 2);
    h.bits = x | y;
}

fn move_y(h: &mut Hash, d: i8) {
    if d == 0 {
        return;
    }
    let x = h.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let mut y = h.bits & 0x5555_5555_5555_5555;
    let zz = 0xaaaa_aaaa_aaaa_aaaau64 >> (64 - u32::from(h.step) * 2);
    if d > 0 {
        y = y.wrapping_add(zz + 1);
    } else {
        y |= zz;
        y = y.wrapping_sub(zz + 1);
    }
    y &= 0x5555_5555_5555_5555u64 >> (64 - u32::from(h.step) * 2);
    h.bits = x | y;
}

fn moved(h: Hash, dx: i8, dy: i8) -> Hash {
    let mut n = h;
    move_x(&mut n, dx);
    move_y(&mut n, dy);
    n
}

/// What to search: a circle or a box around a centre, in the unit's metres.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub lon: f64,
    pub lat: f64,
    /// Metres per unit.
    pub conversion: f64,
    pub kind: ShapeKind,
}

#[derive(Clone, Copy, Debug)]
pub enum ShapeKind {
    Radius(f64),
    Box { width: f64, height: f64 },
}

fn deg_rad(a: f64) -> f64 {
    a * D_R
}

fn rad_deg(a: f64) -> f64 {
    a / D_R
}

fn steps_for(mut range: f64, lat: f64) -> u8 {
    if range == 0.0 {
        return 26;
    }
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// `geohashBoundingBox`: min longitude, min latitude, max longitude, max latitude.
fn bounding_box(s: &Shape) -> [f64; 4] {
    let (height, width) = match s.kind {
        ShapeKind::Radius(r) => (s.conversion * r, s.conversion * r),
        ShapeKind::Box { width, height } => {
            (s.conversion * (height / 2.0), s.conversion * (width / 2.0))
        }
    };
    let lat_delta = rad_deg(height / EARTH_RADIUS);
    let top = rad_deg(width / EARTH_RADIUS / libm::cos(deg_rad(s.lat + lat_delta)));
    let bottom = rad_deg(width / EARTH_RADIUS / libm::cos(deg_rad(s.lat - lat_delta)));
    let delta = if s.lat < 0.0 { bottom } else { top };
    [
        s.lon - delta,
        s.lat - lat_delta,
        s.lon + delta,
        s.lat + lat_delta,
    ]
}

/// `geohashCalculateAreasByShapeWGS84` then `membersOfAllNeighbors`'s order: the boxes to
/// search (centre, N, S, E, W, NE, NW, SE, SW), useless and repeated ones left out, each
/// as a score range `[min, max)`.
pub fn search_ranges(s: &Shape) -> Vec<(u64, u64)> {
    let b = bounding_box(s);
    let radius = match s.kind {
        ShapeKind::Radius(r) => r,
        ShapeKind::Box { width, height } => {
            ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
        }
    } * s.conversion;
    let mut steps = steps_for(radius, s.lat);
    let neighbours = |h: Hash| -> [Hash; 8] {
        [
            moved(h, 0, 1),
            moved(h, 0, -1),
            moved(h, 1, 0),
            moved(h, -1, 0),
            moved(h, 1, 1),
            moved(h, -1, 1),
            moved(h, 1, -1),
            moved(h, -1, -1),
        ]
    };
    let mut hash = encode(s.lon, s.lat, steps);
    let mut n = neighbours(hash);
    let area_of = |h: Hash| decode(h).unwrap_or_default();
    let decrease = area_of(n[0]).lat.1 < b[3]
        || area_of(n[1]).lat.0 > b[1]
        || area_of(n[2]).lon.1 < b[2]
        || area_of(n[3]).lon.0 > b[0];
    if steps > 1 && decrease {
        steps -= 1;
        hash = encode(s.lon, s.lat, steps);
        n = neighbours(hash);
    }
    let area = area_of(hash);
    let zero = Hash { bits: 0, step: 0 };
    if steps >= 2 {
        // N=0 S=1 E=2 W=3 NE=4 NW=5 SE=6 SW=7.
        if area.lat.0 < b[1] {
            for i in [1, 7, 6] {
                n[i] = zero;
            }
        }
        if area.lat.1 > b[3] {
            for i in [0, 4, 5] {
                n[i] = zero;
            }
        }
        if area.lon.0 < b[0] {
            for i in [3, 7, 5] {
                n[i] = zero;
            }
        }
        if area.lon.1 > b[2] {
            for i in [2, 6, 4] {
                n[i] = zero;
            }
        }
    }
    let all = [hash, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]];
    let mut out = Vec::new();
    let mut last: Option<usize> = None;
    for (i, h) in all.iter().enumerate() {
        if h.is_zero() {
            continue;
        }
        if last.is_some_and(|l| l != 0 && all[l] == *h) {
            continue;
        }
        let min = align52(*h);
        let max = align52(Hash {
            bits: h.bits + 1,
            step: h.step,
        });
        out.push((min, max));
        last = Some(i);
    }
    out
}

fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// `geohashGetDistance`: haversine, in metres.
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (lon1r, lon2r) = (deg_rad(lon1), deg_rad(lon2));
    let v = libm::sin((lon2r - lon1r) / 2.0);
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let (lat1r, lat2r) = (deg_rad(lat1), deg_rad(lat2));
    let u = libm::sin((lat2r - lat1r) / 2.0);
    let a = u * u + libm::cos(lat1r) * libm::cos(lat2r) * v * v;
    2.0 * EARTH_RADIUS * libm::asin(a.sqrt())
}

/// `geoWithinShape`: the point's distance from the centre when it is inside the shape.
pub fn within(s: &Shape, lon: f64, lat: f64) -> Option<f64> {
    match s.kind {
        ShapeKind::Radius(r) => {
            let d = distance(s.lon, s.lat, lon, lat);
            (d <= r * s.conversion).then_some(d)
        }
        ShapeKind::Box { width, height } => {
            let (w, h) = (width * s.conversion, height * s.conversion);
            if lat_distance(s.lat, lat) > h / 2.0 {
                return None;
            }
            // The width is measured along the point's own parallel.
            if distance(lon, lat, s.lon, lat) > w / 2.0 {
                return None;
            }
            Some(distance(s.lon, s.lat, lon, lat))
        }
    }
}

/// `fixedpoint_d2string(…, 4)`: a distance with four decimals, rounded half to even.
pub fn format_distance(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".into();
    }
    let v = (d * 10000.0).round_ties_even() as i64;
    let sign = if v < 0 { "-" } else { "" };
    let m = v.unsigned_abs();
    format!("{sign}{}.{:04}", m / 10000, m % 10000)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures from Redis 7.0.15 (GEOADD Sicily 13.361389 38.115556 Palermo …).
    #[test]
    fn palermo_and_catania() {
        let p = score_of(13.361389, 38.115556);
        let c = score_of(15.087269, 37.502669);
        assert_eq!(p, 3479099956230698);
        assert_eq!(c, 3479447370796909);
        let (plon, plat) = position(p as f64).unwrap();
        let (clon, clat) = position(c as f64).unwrap();
        assert_eq!(
            format_distance(distance(plon, plat, clon, clat)),
            "166274.1516"
        );
        assert_eq!(geohash_string(plon, plat), "sqc8b49rny0");
        assert_eq!(geohash_string(clon, clat), "sqdtr74hyu0");
    }
}
