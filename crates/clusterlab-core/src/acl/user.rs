//! An ACL user: its flags, password hashes and selectors, as `ACLSetUser` edits them and
//! `ACLDescribeUser` writes them (`ACL LIST`).

use sha2::{Digest, Sha256};

use super::selector::Selector;
use super::RuleError;

/// User flags, in `ACLUserFlags` order (the order ACL LIST and GETUSER show them).
pub const FLAG_NAMES: [&str; 5] = [
    "on",
    "off",
    "nopass",
    "skip-sanitize-payload",
    "sanitize-payload",
];
const ON: u8 = 1;
const OFF: u8 = 2;
const NOPASS: u8 = 4;
const SKIP_SANITIZE: u8 = 8;
const SANITIZE: u8 = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: Vec<u8>,
    flags: u8,
    /// SHA-256 hashes, lowercase hex, in the order they were added.
    pub passwords: Vec<String>,
    /// The root selector first, then the `(…)` selectors.
    pub selectors: Vec<Selector>,
}

/// `ACLHashPassword`.
pub fn hash_password(password: &[u8]) -> String {
    Sha256::digest(password)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn valid_hash(h: &[u8]) -> bool {
    h.len() == 64
        && h.iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// The hash a password rule names: `>pw` and `<pw` hash their password, `#hash` and
/// `!hash` give it (64 lowercase hex digits).
fn hash_of(op: &[u8]) -> Result<String, RuleError> {
    let rest = &op[1..];
    match op[0] {
        b'>' | b'<' => Ok(hash_password(rest)),
        _ if valid_hash(rest) => Ok(String::from_utf8_lossy(rest).into_owned()),
        _ => Err(RuleError::BadHash),
    }
}

impl User {
    /// A new user: `off`, no password, no commands, keys or channels.
    pub fn new(name: &[u8]) -> Self {
        User {
            name: name.to_vec(),
            flags: OFF,
            passwords: Vec::new(),
            selectors: vec![Selector::default()],
        }
    }

    /// The default user: `on nopass ~* &* +@all`.
    pub fn default_user() -> Self {
        let mut u = User::new(b"default");
        for op in ["+@all", "~*", "&*", "on", "nopass"] {
            let _ = u.apply(op.as_bytes());
        }
        u
    }

    pub fn enabled(&self) -> bool {
        self.flags & OFF == 0
    }

    pub fn nopass(&self) -> bool {
        self.flags & NOPASS != 0
    }

    pub fn root(&self) -> &Selector {
        &self.selectors[0]
    }

    /// The flags as ACL GETUSER lists them.
    pub fn flag_names(&self) -> Vec<&'static str> {
        FLAG_NAMES
            .iter()
            .enumerate()
            .filter(|(j, _)| self.flags & (1 << j) != 0)
            .map(|(_, n)| *n)
            .collect()
    }

    /// Whether `password` logs in (`ACLCheckUserCredentials`, for an existing user).
    pub fn password_ok(&self, password: &[u8]) -> bool {
        if !self.enabled() {
            return false;
        }
        self.nopass() || self.passwords.contains(&hash_password(password))
    }

    /// Allows everything (the default user as Redis starts): no rule needs checking.
    pub fn unrestricted(&self) -> bool {
        let r = self.root();
        r.all_commands && r.all_keys && r.all_channels
    }

    /// `ACLSetUser`: applies one rule or flag.
    pub fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let is = |s: &str| op.eq_ignore_ascii_case(s.as_bytes());
        if op.is_empty() {
            return Ok(());
        }
        if is("on") {
            self.flags = (self.flags | ON) & !OFF;
        } else if is("off") {
            self.flags = (self.flags | OFF) & !ON;
        } else if is("skip-sanitize-payload") {
            self.flags = (self.flags | SKIP_SANITIZE) & !SANITIZE;
        } else if is("sanitize-payload") {
            self.flags = (self.flags | SANITIZE) & !SKIP_SANITIZE;
        } else if is("nopass") {
            self.flags |= NOPASS;
            self.passwords.clear();
        } else if is("resetpass") {
            self.flags &= !NOPASS;
            self.passwords.clear();
        } else if op[0] == b'>' || op[0] == b'#' {
            let hash = hash_of(op)?;
            if !self.passwords.contains(&hash) {
                self.passwords.push(hash);
            }
            self.flags &= !NOPASS;
        } else if op[0] == b'<' || op[0] == b'!' {
            let hash = hash_of(op)?;
            let at = self.passwords.iter().position(|p| *p == hash);
            self.passwords.remove(at.ok_or(RuleError::NoSuchPassword)?);
        } else if op[0] == b'(' && op[op.len() - 1] == b')' {
            let mut s = Selector::default();
            let inner = String::from_utf8_lossy(&op[1..op.len() - 1]).into_owned();
            for rule in crate::split::split_args(&inner).unwrap_or_default() {
                s.apply(&rule)?;
            }
            self.selectors.push(s);
        } else if is("clearselectors") {
            self.selectors.truncate(1);
        } else if is("reset") {
            for op in [
                "resetpass",
                "resetkeys",
                "resetchannels",
                "off",
                "sanitize-payload",
                "clearselectors",
                "-@all",
            ] {
                let _ = self.apply(op.as_bytes());
            }
        } else {
            self.selectors[0].apply(op)?;
        }
        Ok(())
    }

    /// `ACLDescribeUser`: flags, password hashes, root rules, then each `(selector)`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for f in self.flag_names() {
            out.push_str(f);
            out.push(' ');
        }
        for p in &self.passwords {
            out.push('#');
            out.push_str(p);
            out.push(' ');
        }
        out.push_str(&self.root().describe());
        for s in &self.selectors[1..] {
            out.push_str(&format!(" ({})", s.describe()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(rules: &[&str]) -> User {
        let mut u = User::new(b"u");
        for r in rules {
            u.apply(r.as_bytes()).expect(r);
        }
        u
    }

    #[test]
    fn users_are_described_as_acl_list_shows_them() {
        assert_eq!(User::default_user().describe(), "on nopass ~* &* +@all");
        assert_eq!(user(&[]).describe(), "off resetchannels -@all");
        assert_eq!(
            user(&["on", ">pw", "~k*", "+get"]).describe(),
            format!("on #{} ~k* resetchannels -@all +get", hash_password(b"pw"))
        );
        assert_eq!(
            user(&["(+get ~x*)", "reset"]).describe(),
            "off sanitize-payload resetchannels -@all"
        );
        assert_eq!(
            user(&["(+get ~x*)"]).describe(),
            "off resetchannels -@all (~x* resetchannels -@all +get)"
        );
    }

    #[test]
    fn passwords_are_checked_by_hash() {
        let u = user(&["on", ">a", ">b", "<a"]);
        assert!(u.password_ok(b"b") && !u.password_ok(b"a"));
        assert_eq!(user(&[]).apply(b"<x"), Err(RuleError::NoSuchPassword));
        assert_eq!(user(&[]).apply(b"#abc"), Err(RuleError::BadHash));
        assert!(!user(&["nopass"]).password_ok(b"x"), "a user that is off");
    }
}
