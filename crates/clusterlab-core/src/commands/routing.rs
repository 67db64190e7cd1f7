//! Redis's routing decision (`getNodeByQuery` and `clusterRedirectClient`), in its order.

use crate::commands::{CommandSpec, WRITE};
use crate::event::{EventKind, Redirect};
use crate::node::{flags, Node};
use crate::reply::Reply;
use crate::slot::key_hash_slot;

impl Node {
    /// Returns the redirect or cluster error for this command, or `None` to serve it here.
    pub(crate) fn route(
        &mut self,
        client: u64,
        spec: &CommandSpec,
        args: &[Vec<u8>],
    ) -> Option<Reply> {
        let positions = spec.keys_of(args);
        let keys: Vec<&[u8]> = positions.iter().map(|&i| args[i].as_slice()).collect();
        self.route_keys(client, &keys, spec.flags & WRITE != 0, args)
    }

    /// EXEC is routed once for the keys of every queued command together.
    pub(crate) fn route_transaction(
        &mut self,
        client: u64,
        queued: &[Vec<Vec<u8>>],
    ) -> Option<Reply> {
        let mut keys: Vec<&[u8]> = Vec::new();
        let mut is_write = false;
        for args in queued {
            if let Some(spec) = super::lookup(&args[0]) {
                is_write |= spec.flags & WRITE != 0;
                keys.extend(spec.keys_of(args).iter().map(|&i| args[i].as_slice()));
            }
        }
        self.route_keys(client, &keys, is_write, &[b"EXEC".to_vec()])
    }

    /// `getNodeByQuery` for a command's keys; `args` names the command in events.
    pub(crate) fn route_keys(
        &mut self,
        client: u64,
        keys: &[&[u8]],
        is_write: bool,
        args: &[Vec<u8>],
    ) -> Option<Reply> {
        if keys.is_empty() {
            return None;
        }
        let mut first: Option<(u16, usize)> = None;
        let mut owner = None;
        let (mut migrating, mut importing, mut multiple_keys) = (false, false, false);
        let (mut missing, mut existing) = (0usize, 0usize);
        let now = self.now;
        for (i, &key) in keys.iter().enumerate() {
            let slot = key_hash_slot(key);
            match first {
                None => {
                    first = Some((slot, i));
                    let Some(o) = self.view.slots.owner(slot) else {
                        return Some(self.redirected(args, Redirect::Unbound));
                    };
                    owner = Some(o);
                    if o == Self::ME && self.view.migrating.contains_key(&slot) {
                        migrating = true;
                    } else if self.view.importing.contains_key(&slot) {
                        importing = true;
                    }
                }
                Some((s0, i0)) => {
                    if slot != s0 {
                        return Some(self.redirected(args, Redirect::CrossSlot));
                    }
                    if importing && keys[i0] != key {
                        multiple_keys = true;
                    }
                }
            }
            if migrating || importing {
                if self.keyspace.is_live(key, now) {
                    existing += 1;
                } else {
                    missing += 1;
                }
            }
        }
        let (slot, _) = first?;
        let owner = owner?;
        if !self.state.ok {
            if !self.config.allow_reads_when_down {
                return Some(self.redirected(args, Redirect::Down));
            } else if is_write {
                return Some(self.redirected(args, Redirect::DownReadOnly));
            }
        }
        let session = self.session(client).clone();
        // MIGRATE itself runs where the slot is open: it is how the keys leave.
        let is_migrate = args
            .first()
            .is_some_and(|a| a.eq_ignore_ascii_case(b"migrate"));
        if (migrating || importing) && is_migrate {
            return None;
        }
        if migrating && missing > 0 {
            if existing > 0 {
                return Some(self.redirected(args, Redirect::TryAgain));
            }
            let target = self.view.migrating.get(&slot).copied();
            if let Some(t) = target.and_then(|t| self.view.peers.by_name(&t)) {
                let r = Redirect::Ask {
                    slot,
                    ip: t.ip,
                    port: t.port,
                };
                return Some(self.redirected(args, r));
            }
        }
        if importing && session.asking {
            if multiple_keys && missing > 0 {
                return Some(self.redirected(args, Redirect::TryAgain));
            }
            return None;
        }
        if session.readonly
            && !is_write
            && self.myself().has(flags::SLAVE)
            && self.master_ref() == Some(owner)
        {
            return None;
        }
        if owner != Self::ME {
            let o = self.view.peers.get(owner).expect("slot owner is known");
            let r = Redirect::Moved {
                slot,
                ip: o.ip,
                port: o.port,
            };
            return Some(self.redirected(args, r));
        }
        None
    }

    fn redirected(&mut self, args: &[Vec<u8>], error: Redirect) -> Reply {
        let command = super::command_text(args, 3);
        self.emit(EventKind::Redirected { command, error });
        Reply::err(error.to_string())
    }
}
