//! A selector: the commands, key patterns and channel patterns one set of ACL rules
//! allows (a user's root rules, or one `(…)` selector), as `ACLSetSelector` edits it and
//! `ACLDescribeSelector` writes it back.

use crate::types::vec_map::VecMap;

use super::catalog::{catalog, Catalog, CommandId, CATEGORIES};
use super::RuleError;

/// Redis's `USER_COMMAND_BITS_COUNT`; the last bit is set only by `+@all` and means
/// "future commands too".
const BITS: usize = 1024;
const FUTURE: usize = BITS - 1;

/// The key access a pattern grants (`~`: both, `%R~`, `%W~`).
pub const READ: u8 = 1;
pub const WRITE: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPattern {
    pub pattern: Vec<u8>,
    pub access: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    pub all_keys: bool,
    pub all_channels: bool,
    pub all_commands: bool,
    bits: [u64; BITS / 64],
    /// Allowed first arguments of otherwise blocked commands (`+select|0`), by command.
    firstargs: VecMap<CommandId, Vec<String>>,
    pub patterns: Vec<KeyPattern>,
    pub channels: Vec<Vec<u8>>,
}

impl Default for Selector {
    /// A selector that allows nothing (`acl-pubsub-default resetchannels`, 7.0's default).
    fn default() -> Self {
        Selector {
            all_keys: false,
            all_channels: false,
            all_commands: false,
            bits: [0; BITS / 64],
            firstargs: VecMap::new(),
            patterns: Vec::new(),
            channels: Vec::new(),
        }
    }
}

/// `ACLStringHasSpaces`.
pub fn has_spaces(s: &[u8]) -> bool {
    s.iter()
        .any(|&b| b == 0 || b == b' ' || (b'\t'..=b'\r').contains(&b))
}

impl Selector {
    pub fn bit(&self, id: usize) -> bool {
        id < BITS && self.bits[id / 64] & (1 << (id % 64)) != 0
    }

    fn set_bit(&mut self, id: usize, value: bool) {
        if id >= BITS {
            return;
        }
        if value {
            self.bits[id / 64] |= 1 << (id % 64);
        } else {
            self.bits[id / 64] &= !(1 << (id % 64));
            self.all_commands = false;
        }
    }

    /// `ACLChangeSelectorPerm`: a command and all its subcommands.
    fn change(&mut self, cat: &Catalog, id: CommandId, allow: bool) {
        self.set_bit(usize::from(id), allow);
        self.firstargs.remove(&id);
        for &sub in &cat.get(id).subcommands {
            self.set_bit(usize::from(sub), allow);
        }
    }

    fn change_category(&mut self, cat: &Catalog, flag: u32, allow: bool) {
        for &id in &cat.top {
            if cat.get(id).categories & flag != 0 {
                self.change(cat, id, allow);
            }
            for &sub in &cat.get(id).subcommands {
                if cat.get(sub).categories & flag != 0 {
                    self.change(cat, sub, allow);
                }
            }
        }
    }

    /// Commands of the category allowed and denied.
    fn count_category(&self, cat: &Catalog, flag: u32) -> (u32, u32) {
        let (mut on, mut off) = (0, 0);
        for (id, c) in cat.commands.iter().enumerate() {
            if c.categories & flag != 0 {
                if self.bit(id) {
                    on += 1;
                } else {
                    off += 1;
                }
            }
        }
        (on, off)
    }

    /// `ACLSetSelector`: applies one rule.
    pub fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let cat = catalog();
        let is = |s: &str| op.eq_ignore_ascii_case(s.as_bytes());
        if op.is_empty() {
            return Err(RuleError::Syntax);
        }
        if is("allkeys") || is("~*") {
            self.all_keys = true;
            self.patterns.clear();
        } else if is("resetkeys") {
            self.all_keys = false;
            self.patterns.clear();
        } else if is("allchannels") || is("&*") {
            self.all_channels = true;
            self.channels.clear();
        } else if is("resetchannels") {
            self.all_channels = false;
            self.channels.clear();
        } else if is("allcommands") || is("+@all") {
            self.bits = [u64::MAX; BITS / 64];
            self.all_commands = true;
            self.firstargs.clear();
        } else if is("nocommands") || is("-@all") {
            self.bits = [0; BITS / 64];
            self.all_commands = false;
            self.firstargs.clear();
        } else if op[0] == b'~' || op[0] == b'%' {
            self.add_key_pattern(op)?;
        } else if op[0] == b'&' {
            if self.all_channels {
                return Err(RuleError::ChannelAfterAll);
            }
            if has_spaces(&op[1..]) {
                return Err(RuleError::Syntax);
            }
            if !self.channels.iter().any(|c| c == &op[1..]) {
                self.channels.push(op[1..].to_vec());
            }
            self.all_channels = false;
        } else if op[0] == b'+' && op.get(1) != Some(&b'@') {
            self.allow_command(cat, &op[1..])?;
        } else if op[0] == b'-' && op.get(1) != Some(&b'@') {
            let id = cat.lookup(&op[1..]).ok_or(RuleError::Unknown)?;
            self.change(cat, id, false);
        } else if op[0] == b'+' || op[0] == b'-' {
            let flag = Catalog::category(&op[2..]).ok_or(RuleError::Unknown)?;
            self.change_category(cat, flag, op[0] == b'+');
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    fn add_key_pattern(&mut self, op: &[u8]) -> Result<(), RuleError> {
        if self.all_keys {
            return Err(RuleError::KeyAfterAll);
        }
        let mut access = 0;
        let mut offset = 1;
        if op[0] == b'%' {
            while offset < op.len() {
                match op[offset].to_ascii_uppercase() {
                    b'R' if access & READ == 0 => access |= READ,
                    b'W' if access & WRITE == 0 => access |= WRITE,
                    b'~' => {
                        offset += 1;
                        break;
                    }
                    _ => return Err(RuleError::Syntax),
                }
                offset += 1;
            }
            // Redis 7.0.15 accepts `%~pattern` and then crashes describing it; the
            // simulation refuses it as a syntax error instead.
            if access == 0 {
                return Err(RuleError::Syntax);
            }
        } else {
            access = READ | WRITE;
        }
        let pattern = &op[offset.min(op.len())..];
        if has_spaces(pattern) {
            return Err(RuleError::Syntax);
        }
        match self.patterns.iter_mut().find(|p| p.pattern == pattern) {
            Some(p) => p.access |= access,
            None => self.patterns.push(KeyPattern {
                pattern: pattern.to_vec(),
                access,
            }),
        }
        self.all_keys = false;
        Ok(())
    }

    /// `+command`, `+container|sub`, or `+command|first-arg`.
    fn allow_command(&mut self, cat: &Catalog, name: &[u8]) -> Result<(), RuleError> {
        let Some(bar) = name.iter().rposition(|&b| b == b'|') else {
            let id = cat.lookup(name).ok_or(RuleError::Unknown)?;
            self.change(cat, id, true);
            return Ok(());
        };
        let (base, sub) = (&name[..bar], &name[bar + 1..]);
        let id = cat.lookup(base).ok_or(RuleError::Unknown)?;
        if cat.get(id).parent.is_some() {
            return Err(RuleError::FirstArgOfSubcommand);
        }
        if sub.is_empty() {
            return Err(RuleError::Syntax);
        }
        if cat.get(id).subcommands.is_empty() {
            let sub = String::from_utf8_lossy(sub).into_owned();
            let list = self.firstargs.entry(id).or_default();
            if !list.iter().any(|s| s.eq_ignore_ascii_case(&sub)) {
                list.push(sub);
            }
        } else {
            let full = cat.lookup(name).ok_or(RuleError::Unknown)?;
            self.change(cat, full, true);
        }
        Ok(())
    }

    /// Whether the command bit, or an allowed first argument, lets `args` run `id`.
    pub fn allows_command(&self, id: CommandId, is_sub: bool, args: &[Vec<u8>]) -> bool {
        if self.all_commands || self.bit(usize::from(id)) {
            return true;
        }
        let Some(list) = self.firstargs.get(&id) else {
            return false;
        };
        let idx = if is_sub { 2 } else { 1 };
        args.len() >= 2
            && args
                .get(idx)
                .is_some_and(|a| list.iter().any(|s| s.as_bytes().eq_ignore_ascii_case(a)))
    }

    /// Whether the key may be accessed with `access` (`READ`, `WRITE`, both or neither).
    pub fn allows_key(&self, key: &[u8], access: u8) -> bool {
        self.all_keys
            || self
                .patterns
                .iter()
                .any(|p| p.access & access == access && crate::glob::glob_match(&p.pattern, key))
    }

    /// `ACLDescribeSelectorCommandRules`: `+@all` or `-@all`, then the categories that
    /// fit best, then single commands, in a form ACL SETUSER accepts back.
    pub fn describe_commands(&self) -> String {
        let cat = catalog();
        let additive = !self.bit(FUTURE);
        let mut rules = String::from(if additive { "-@all " } else { "+@all " });
        let mut fake = Selector::default();
        let _ = fake.apply(if additive { b"-@all" } else { b"+@all" });
        let mut temp = self.clone();
        let mut applied = [false; CATEGORIES.len()];
        loop {
            let mut best = None;
            let (mut mindiff, mut maxsame) = (u32::MAX, 0);
            for (j, _) in CATEGORIES.iter().enumerate().filter(|(j, _)| !applied[*j]) {
                let (on, off) = temp.count_category(cat, 1 << j);
                let (diff, same) = if additive { (off, on) } else { (on, off) };
                if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
                    best = Some(j);
                    mindiff = diff;
                    maxsame = same;
                }
            }
            let Some(j) = best else { break };
            fake.change_category(cat, 1 << j, additive);
            temp.change_category(cat, 1 << j, !additive);
            rules.push_str(if additive { "+@" } else { "-@" });
            rules.push_str(CATEGORIES[j]);
            rules.push(' ');
            applied[j] = true;
        }
        for &id in &cat.top {
            self.describe_single(cat, &mut fake, id, &mut rules);
            for &sub in &cat.get(id).subcommands {
                self.describe_single(cat, &mut fake, sub, &mut rules);
            }
            if !self.bit(usize::from(id)) {
                for first in self.firstargs.get(&id).into_iter().flatten() {
                    rules.push_str(&format!("+{}|{first} ", cat.get(id).fullname));
                }
            }
        }
        rules.pop();
        rules
    }

    fn describe_single(
        &self,
        cat: &Catalog,
        fake: &mut Selector,
        id: CommandId,
        rules: &mut String,
    ) {
        let user = self.bit(usize::from(id));
        if user != fake.bit(usize::from(id)) {
            rules.push(if user { '+' } else { '-' });
            rules.push_str(cat.get(id).fullname);
            rules.push(' ');
            fake.change(cat, id, user);
        }
    }

    /// The key patterns as ACL GETUSER shows them (`~*`, or each pattern).
    pub fn keys_text(&self) -> String {
        if self.all_keys {
            return "~*".into();
        }
        let pats: Vec<String> = self.patterns.iter().map(pattern_text).collect();
        pats.join(" ")
    }

    /// The channel patterns as ACL GETUSER shows them.
    pub fn channels_text(&self) -> String {
        if self.all_channels {
            return "&*".into();
        }
        let pats: Vec<String> = self
            .channels
            .iter()
            .map(|c| format!("&{}", String::from_utf8_lossy(c)))
            .collect();
        pats.join(" ")
    }

    /// `ACLDescribeSelector`: keys, channels, then commands.
    pub fn describe(&self) -> String {
        // Without `&*`, `resetchannels` comes first so the channel patterns start from none.
        let reset = if self.all_channels {
            ""
        } else {
            "resetchannels"
        };
        let mut out = String::new();
        for part in [&self.keys_text(), reset, &self.channels_text()] {
            if !part.is_empty() {
                out.push_str(part);
                out.push(' ');
            }
        }
        out.push_str(&self.describe_commands());
        out
    }
}

fn pattern_text(p: &KeyPattern) -> String {
    let prefix = match p.access {
        READ => "%R~",
        WRITE => "%W~",
        _ => "~",
    };
    format!("{prefix}{}", String::from_utf8_lossy(&p.pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(rules: &[&str]) -> Selector {
        let mut s = Selector::default();
        for r in rules {
            s.apply(r.as_bytes()).expect(r);
        }
        s
    }

    #[test]
    fn rules_are_described_as_redis_writes_them() {
        assert_eq!(with(&[]).describe_commands(), "-@all");
        assert_eq!(
            with(&["+get", "+set"]).describe_commands(),
            "-@all +get +set"
        );
        assert_eq!(
            with(&["+@read", "-get"]).describe_commands(),
            "-@all +@read -get"
        );
        assert_eq!(with(&["+@all", "-set"]).describe_commands(), "+@all -set");
        assert_eq!(
            with(&["+@all", "-config"]).describe_commands(),
            "+@all -config"
        );
        assert_eq!(
            with(&["+config|get", "+select|0"]).describe_commands(),
            "-@all +config|get +select|0"
        );
    }

    #[test]
    fn bad_rules_are_refused_with_redis_reasons() {
        let mut s = Selector::default();
        assert_eq!(s.apply(b"+nosuch"), Err(RuleError::Unknown));
        assert_eq!(s.apply(b"+@nosuch"), Err(RuleError::Unknown));
        assert_eq!(
            s.apply(b"+config|get|x"),
            Err(RuleError::FirstArgOfSubcommand)
        );
        assert_eq!(s.apply(b"-config|get|x"), Err(RuleError::Unknown));
        assert_eq!(s.apply(b"+get|"), Err(RuleError::Syntax));
        assert_eq!(s.apply(b"%X~a"), Err(RuleError::Syntax));
        assert_eq!(s.apply(b"%~a"), Err(RuleError::Syntax));
        s.apply(b"allkeys").unwrap();
        assert_eq!(s.apply(b"~a"), Err(RuleError::KeyAfterAll));
    }

    #[test]
    fn key_patterns_grant_read_write_or_both() {
        let s = with(&["%R~r*", "%W~w*", "%RW~b*", "~r*"]);
        assert_eq!(s.keys_text(), "~r* %W~w* ~b*");
        assert!(s.allows_key(b"w1", WRITE) && !s.allows_key(b"w1", READ));
        assert!(s.allows_key(b"r1", READ | WRITE));
        assert!(!s.allows_key(b"x", 0));
    }
}
