//! Protected mode, as Redis has it: with `protected-mode yes` (the default) and no
//! password for the default user, a client that connects from anywhere but the loopback
//! interface gets Redis's `-DENIED` text and is closed.

use std::net::IpAddr;

/// Redis 7.0.15's reply to such a client, byte for byte (its typo included).
pub const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Whether a client from `peer` is refused.
pub fn denies(peer: IpAddr, protected_mode: bool, default_user_has_password: bool) -> bool {
    protected_mode && !default_user_has_password && !is_local(peer)
}

/// The loopback interface, IPv4-mapped IPv6 addresses included.
fn is_local(peer: IpAddr) -> bool {
    match peer {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// What `clusterlab serve --bind ADDR` prints when ADDR reaches beyond this machine and
/// no password is set (`--requirepass`).
pub fn bind_warning(bind: IpAddr, has_password: bool) -> Option<String> {
    if is_local(bind) || has_password {
        return None;
    }
    Some(format!(
        "clusterlab: WARNING: listening on {bind} with no password. Protected mode (on, as in Redis) refuses clients from other machines with DENIED; if you turn it off (CONFIG SET protected-mode no), anyone who can reach {bind} can read, change and delete every key and reconfigure the simulated cluster."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn only_loopback_clients_pass_protected_mode_without_a_password() {
        for local in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(!denies(ip(local), true, false), "{local}");
        }
        for remote in ["10.0.0.5", "192.168.1.20", "2001:db8::1", "::ffff:10.0.0.5"] {
            assert!(denies(ip(remote), true, false), "{remote}");
            assert!(
                !denies(ip(remote), false, false),
                "protected-mode no: {remote}"
            );
            assert!(!denies(ip(remote), true, true), "a password: {remote}");
        }
    }

    #[test]
    fn the_denial_is_one_error_line() {
        assert!(DENIED.starts_with("-DENIED Redis is running in protected mode"));
        assert!(DENIED.ends_with("from the outside.\r\n"));
        assert_eq!(DENIED.matches("\r\n").count(), 1);
    }

    #[test]
    fn binding_beyond_loopback_warns() {
        assert_eq!(bind_warning(ip("127.0.0.1"), false), None);
        let warning = bind_warning(ip("0.0.0.0"), false).expect("a warning");
        assert!(warning.contains("WARNING") && warning.contains("no password"));
        assert_eq!(bind_warning(ip("0.0.0.0"), true), None, "with a password");
    }
}
