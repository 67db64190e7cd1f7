//! DEBUG DIGEST and DEBUG DIGEST-VALUE (`computeDatasetDigest`, `xorObjectDigest`): SHA1
//! digests of the dataset and of values that do not depend on encodings or hash-table
//! orders, so they compare with a real server's.

use sha1::{Digest, Sha1};

use crate::keyspace::Value;
use crate::node::Node;
use crate::reply::{format_double, Reply};

type Sha = [u8; 20];

/// `xorDigest`: XORs the SHA1 of `data` into `digest`.
fn xor(digest: &mut Sha, data: &[u8]) {
    let h = Sha1::digest(data);
    for (d, b) in digest.iter_mut().zip(h.iter()) {
        *d ^= b;
    }
}

/// `mixDigest`: XORs in the SHA1 of `data`, then replaces the digest by its own SHA1.
fn mix(digest: &mut Sha, data: &[u8]) {
    xor(digest, data);
    *digest = Sha1::digest(*digest).into();
}

/// `xorObjectDigest` of the value under `key`.
fn value_digest(n: &Node, key: &[u8], value: &Value, digest: &mut Sha) {
    let type_id: u32 = match value {
        Value::String(_) => 0,
        Value::List(_) => 1,
        Value::Set(_) => 2,
        Value::ZSet(_) => 3,
        Value::Hash(_) => 4,
        Value::Stream(_) => 6,
    };
    mix(digest, &type_id.to_be_bytes());
    match value {
        Value::String(s) => mix(digest, s),
        Value::List(l) => l.iter().for_each(|e| mix(digest, e)),
        Value::Set(s) => s.iter().for_each(|m| xor(digest, &m)),
        Value::ZSet(z) => {
            for (score, m) in z.iter() {
                let mut ele = [0u8; 20];
                mix(&mut ele, m);
                mix(&mut ele, format_double(score).as_bytes());
                xor(digest, &ele);
            }
        }
        Value::Hash(h) => {
            for (f, v) in h.iter() {
                let mut ele = [0u8; 20];
                mix(&mut ele, f);
                mix(&mut ele, v);
                xor(digest, &ele);
            }
        }
        Value::Stream(s) => {
            for (id, pairs) in s.entries.iter() {
                mix(digest, format!("{}.{}", id.ms, id.seq).as_bytes());
                for e in pairs {
                    mix(digest, e);
                }
            }
        }
    }
    if n.keyspace.expiry(key).is_some() {
        xor(digest, b"!!expire!!");
    }
}

fn hex(d: &Sha) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// `DEBUG DIGEST`: the dataset's digest, forty zeros when it is empty.
pub(super) fn digest(n: &Node) -> Reply {
    let mut total = [0u8; 20];
    let now = n.now;
    let keys: Vec<&Vec<u8>> = n
        .keyspace
        .keys()
        .filter(|k| n.keyspace.is_live(k, now))
        .collect();
    if !keys.is_empty() {
        mix(&mut total, &0u32.to_be_bytes());
    }
    // XOR does not care about the order.
    for k in keys {
        let Some(v) = n.keyspace.get(k, now) else {
            continue;
        };
        let mut d = [0u8; 20];
        mix(&mut d, k);
        value_digest(n, k, v, &mut d);
        xor(&mut total, &d);
    }
    Reply::status(hex(&total))
}

/// `DEBUG DIGEST-VALUE key …`: each key's value digest (forty zeros for a missing key).
pub(super) fn digest_value(n: &Node, keys: &[Vec<u8>]) -> Reply {
    Reply::array(
        keys.iter()
            .map(|k| {
                let mut d = [0u8; 20];
                if let Some(v) = n.keyspace.get(k, n.now) {
                    value_digest(n, k, v, &mut d);
                }
                Reply::status(hex(&d))
            })
            .collect(),
    )
}
