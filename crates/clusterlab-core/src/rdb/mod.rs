//! Redis's RDB encoding of a value, byte for byte: what DUMP returns, RESTORE and
//! MIGRATE carry, and DEBUG OBJECT measures (`serializedlength`). A payload is the
//! value's RDB type, its RDB body, the RDB version (10 for 7.0) and a CRC64 of all that,
//! so a DUMP taken from a real 7.0 server restores here and back.

mod file;
mod listpack;
mod load;
pub mod lzf;
mod save;

use crate::keyspace::Value;
use crate::types::Limits;

pub use file::{file, Header, Key};
pub use load::load_value;
pub use save::{quicklist_shape, save_value, serialized_len};

/// The RDB version Redis 7.0 writes.
pub const RDB_VERSION: u16 = 10;

/// What the encoding depends on besides the value: the list settings that shape a
/// quicklist's nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// `list-max-listpack-size`.
    pub list_fill: i64,
    /// `list-compress-depth`.
    pub list_compress_depth: i64,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            list_fill: -2,
            list_compress_depth: 0,
        }
    }
}

/// Why RESTORE refused a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadError {
    /// `DUMP payload version or checksum are wrong`.
    VersionOrChecksum,
    /// `Bad data format`.
    BadFormat,
}

fn crc64(bytes: &[u8]) -> u64 {
    const CRC: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);
    CRC.checksum(bytes)
}

/// `createDumpPayload`.
pub fn dump(value: &Value, shape: &Shape) -> Vec<u8> {
    let mut out = save_value(value, shape);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// `verifyDumpPayload` and then `rdbLoadObject`.
pub fn restore(payload: &[u8], limits: &Limits) -> Result<Value, PayloadError> {
    if payload.len() < 10 {
        return Err(PayloadError::VersionOrChecksum);
    }
    let (body, footer) = payload.split_at(payload.len() - 10);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    let crc = u64::from_le_bytes(footer[2..].try_into().expect("eight bytes"));
    if version > RDB_VERSION || crc64(&payload[..payload.len() - 8]) != crc {
        return Err(PayloadError::VersionOrChecksum);
    }
    load_value(body, limits).ok_or(PayloadError::BadFormat)
}

#[cfg(test)]
mod tests;
