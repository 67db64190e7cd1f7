use super::*;
use crate::keyspace::{Hash, SetValue};
use crate::types::{List, SortedSet, Stream};

fn lim() -> Limits {
    Limits::default()
}

#[test]
fn payloads_are_a_real_servers_bytes() {
    let shape = Shape::default();
    // DUMP after `SET k aaaa…` (44 a's) and `RPUSH l a 1` on a real 7.0.15.
    let s = Value::String(vec![b'a'; 44]);
    assert_eq!(
        dump(&s, &shape),
        b"\x00\xc3\t,\x01aa\xe0\x1f\x00\x01aa\n\x00\x98\x11\xf4\xb6\xaaSv\xff"
    );
    let l = Value::List(List::from(vec![b"a".to_vec(), b"1".to_vec()]));
    assert_eq!(
        dump(&l, &shape),
        b"\x12\x01\x02\x0c\x0c\x00\x00\x00\x02\x00\x81a\x02\x01\x01\xff\n\x00\x94\x96+#\xac\x17\xaa\x85"
    );
}

#[test]
fn every_type_round_trips() {
    let shape = Shape::default();
    let l = lim();
    let mut z = SortedSet::default();
    z.insert(b"a".to_vec(), 1.5, &l);
    z.insert(b"b".to_vec(), -2.0, &l);
    // A skiplist comes back as one when it has too many members for a listpack.
    let mut big = SortedSet::skiplist();
    for i in 0..200 {
        big.insert(format!("m{i}").into_bytes(), f64::from(i) / 10.0, &l);
    }
    big.insert(b"x".to_vec(), f64::INFINITY, &l);
    let mut h = Hash::default();
    h.set(b"f".to_vec(), b"12345".to_vec(), &l);
    h.set(b"g".to_vec(), vec![b'v'; 100], &l);
    let mut st = Stream::default();
    st.add(&[b"f".to_vec(), b"v".to_vec()], None, 5, &l)
        .unwrap();
    st.add(&[b"f".to_vec(), b"w".to_vec()], None, 5, &l)
        .unwrap();
    st.add(&[b"g".to_vec(), b"1".to_vec()], None, 9, &l)
        .unwrap();
    let long_list: List = (0..3000)
        .map(|i| format!("element-{i}").into_bytes())
        .collect();
    let values = [
        Value::String(b"-12".to_vec()),
        Value::String(b"70000".to_vec()),
        Value::String(b"12345678901234".to_vec()),
        Value::String(b"".to_vec()),
        Value::List(long_list),
        Value::Set(SetValue::from_members(
            [b"3".to_vec(), b"-100000".to_vec()],
            &l,
        )),
        Value::Set(SetValue::from_members([b"3".to_vec(), b"x".to_vec()], &l)),
        Value::Hash(h),
        Value::ZSet(z),
        Value::ZSet(big),
        Value::Stream(Box::new(st)),
    ];
    for (i, v) in values.into_iter().enumerate() {
        let back = restore(&dump(&v, &shape), &l).unwrap_or_else(|e| panic!("value {i}: {e:?}"));
        assert_eq!(back, v);
    }
}

#[test]
fn long_lists_split_into_quicklist_nodes() {
    let l: List = (0..3000)
        .map(|i| format!("element-{i}").into_bytes())
        .collect();
    let body = save_value(&Value::List(l), &Shape::default());
    // Each node holds up to 8 KB: 3000 elements of about 13 bytes make six, as on a real
    // server.
    assert_eq!(body[1], 6);
    // Past `list-compress-depth` nodes from each end, nodes are stored compressed.
    let deep = Shape {
        list_fill: -2,
        list_compress_depth: 1,
    };
    let l: List = (0..3000)
        .map(|i| format!("element-{i}").into_bytes())
        .collect();
    let v = Value::List(l);
    assert_eq!(restore(&dump(&v, &deep), &lim()), Ok(v));
}

#[test]
fn damaged_payloads_are_refused_with_restores_errors() {
    let l = lim();
    let good = dump(&Value::String(b"hello".to_vec()), &Shape::default());
    assert_eq!(
        restore(&good[..9], &l),
        Err(PayloadError::VersionOrChecksum)
    );
    let mut flipped = good.clone();
    flipped[2] ^= 1;
    assert_eq!(restore(&flipped, &l), Err(PayloadError::VersionOrChecksum));
    let mut newer = good[..good.len() - 10].to_vec();
    newer.extend_from_slice(&11u16.to_le_bytes());
    let crc = crc64(&newer);
    newer.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(restore(&newer, &l), Err(PayloadError::VersionOrChecksum));
    // A checksum that matches bytes that are not a value.
    let mut junk = vec![42u8, 1, 2];
    junk.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&junk);
    junk.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(restore(&junk, &l), Err(PayloadError::BadFormat));
}

#[test]
fn no_payload_panics() {
    let l = lim();
    let shape = Shape::default();
    let mut z = SortedSet::default();
    z.insert(b"m".to_vec(), 2.5, &l);
    let mut st = Stream::default();
    st.add(&[b"f".to_vec(), b"v".to_vec()], None, 5, &l)
        .unwrap();
    let seeds: Vec<Vec<u8>> = [
        Value::String(vec![b'q'; 300]),
        Value::List((0..50).map(|i| vec![b'a' + (i % 20) as u8; i]).collect()),
        Value::ZSet(z),
        Value::Stream(Box::new(st)),
    ]
    .iter()
    .map(|v| save_value(v, &shape))
    .collect();
    // Every payload with one byte changed or cut short, and random bytes.
    let mut x: u64 = 7;
    for body in &seeds {
        for i in 0..body.len() {
            for flip in [1u8, 0x80, 0xff] {
                let mut b = body.clone();
                b[i] ^= flip;
                let _ = load_value(&b, &l);
            }
            let _ = load_value(&body[..i], &l);
        }
    }
    for _ in 0..20_000 {
        let n = (x % 40) as usize;
        let b: Vec<u8> = (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 56) as u8
            })
            .collect();
        let _ = load_value(&b, &l);
    }
}
