//! Node flag bits (`CLUSTER_NODE_*`) and their CLUSTER NODES spelling.

pub const MASTER: u16 = 1;
pub const SLAVE: u16 = 2;
pub const PFAIL: u16 = 4;
pub const FAIL: u16 = 8;
pub const MYSELF: u16 = 16;
pub const HANDSHAKE: u16 = 32;
pub const NOADDR: u16 = 64;
pub const MEET: u16 = 128;
pub const MIGRATE_TO: u16 = 256;
pub const NOFAILOVER: u16 = 512;

/// Flags as CLUSTER NODES prints them, in Redis's fixed order; `noflags` if none.
pub fn describe(flags: u16) -> String {
    const NAMES: [(u16, &str); 8] = [
        (MYSELF, "myself"),
        (MASTER, "master"),
        (SLAVE, "slave"),
        (PFAIL, "fail?"),
        (FAIL, "fail"),
        (HANDSHAKE, "handshake"),
        (NOADDR, "noaddr"),
        (NOFAILOVER, "nofailover"),
    ];
    let parts: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|&(_, name)| name)
        .collect();
    if parts.is_empty() {
        "noflags".to_string()
    } else {
        parts.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_print_in_redis_order() {
        assert_eq!(describe(MASTER | MYSELF), "myself,master");
        assert_eq!(describe(SLAVE | FAIL), "slave,fail");
        assert_eq!(describe(MASTER | PFAIL), "master,fail?");
        assert_eq!(describe(HANDSHAKE | MEET), "handshake");
        assert_eq!(describe(0), "noflags");
    }
}
