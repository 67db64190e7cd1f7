//! A whole RDB file, as `rdbSaveRio` writes it for a replica: the `REDIS0010` magic,
//! the aux fields, database 0 with its size hints and every key (with its expiry), the
//! end mark and a CRC64 of everything before it.

use super::save::{len, save_value, string};
use super::{crc64, Shape, RDB_VERSION};
use crate::keyspace::Value;

const OPCODE_AUX: u8 = 250;
const OPCODE_RESIZEDB: u8 = 251;
const OPCODE_EXPIRETIME_MS: u8 = 252;
const OPCODE_SELECTDB: u8 = 254;
const OPCODE_EOF: u8 = 255;

/// The aux fields of the file's header (`rdbSaveInfoAuxFields`).
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// `ctime`: Unix seconds.
    pub ctime: u64,
    /// `used-mem`: the process's memory, in bytes.
    pub used_mem: u64,
    /// `repl-id` and `repl-offset`, for a replica to continue from.
    pub repl_id: String,
    pub repl_offset: u64,
}

/// One key of the file: name, value, and the Unix ms it expires at.
pub type Key<'a> = (&'a [u8], &'a Value, Option<u64>);

/// The file for `keys` (database 0), `expires` of them with a TTL.
pub fn file(header: &Header, keys: &[Key], shape: &Shape) -> Vec<u8> {
    let mut out = format!("REDIS{RDB_VERSION:04}").into_bytes();
    let aux = |out: &mut Vec<u8>, k: &str, v: &str| {
        out.push(OPCODE_AUX);
        string(out, k.as_bytes());
        string(out, v.as_bytes());
    };
    aux(&mut out, "redis-ver", "7.0.15");
    aux(&mut out, "redis-bits", "64");
    aux(&mut out, "ctime", &header.ctime.to_string());
    aux(&mut out, "used-mem", &header.used_mem.to_string());
    aux(&mut out, "repl-stream-db", "0");
    aux(&mut out, "repl-id", &header.repl_id);
    aux(&mut out, "repl-offset", &header.repl_offset.to_string());
    aux(&mut out, "aof-base", "0");
    if !keys.is_empty() {
        out.push(OPCODE_SELECTDB);
        len(&mut out, 0);
        out.push(OPCODE_RESIZEDB);
        len(&mut out, keys.len() as u64);
        len(
            &mut out,
            keys.iter().filter(|k| k.2.is_some()).count() as u64,
        );
        for (key, value, expires) in keys {
            if let Some(at) = expires {
                out.push(OPCODE_EXPIRETIME_MS);
                out.extend_from_slice(&at.to_le_bytes());
            }
            let body = save_value(value, shape);
            // The type byte, the key, then the value's body.
            out.push(body[0]);
            string(&mut out, key);
            out.extend_from_slice(&body[1..]);
        }
    }
    out.push(OPCODE_EOF);
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_has_its_header_keys_and_checksum() {
        let v = Value::String(b"12".to_vec());
        let header = Header {
            repl_id: "a".repeat(40),
            ..Header::default()
        };
        let f = file(&header, &[(b"k", &v, Some(5))], &Shape::default());
        assert!(f.starts_with(b"REDIS0010\xfa\x09redis-ver\x067.0.15"));
        // SELECTDB 0, RESIZEDB 1 1, the expiry, type 0, "k", 12 as an int, the end.
        let keys = b"\xfe\x00\xfb\x01\x01\xfc\x05\x00\x00\x00\x00\x00\x00\x00\x00\x01k\xc0\x0c\xff";
        assert_eq!(&f[f.len() - 8 - keys.len()..f.len() - 8], keys);
        assert_eq!(crc64(&f[..f.len() - 8]).to_le_bytes(), f[f.len() - 8..]);
    }
}
