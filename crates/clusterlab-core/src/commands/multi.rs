//! Transactions: MULTI queues commands, EXEC runs them in one go (after one routing
//! decision for all their keys), DISCARD drops them; WATCH makes EXEC fail if a watched
//! key was written meanwhile.

use super::{lookup, Exec, WRITE};
use crate::node::Node;
use crate::reply::Reply;

/// Commands that run at once inside MULTI instead of being queued.
pub(crate) fn runs_inside_multi(name: &str) -> bool {
    matches!(
        name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

pub fn multi(n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    let s = n.session(c);
    if s.queued.is_some() {
        return Reply::err("ERR MULTI calls can not be nested");
    }
    s.queued = Some(Vec::new());
    s.dirty_exec = false;
    Reply::ok()
}

pub fn discard(n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    if n.session(c).queued.is_none() {
        return Reply::err("ERR DISCARD without MULTI");
    }
    end_transaction(n, c);
    Reply::ok()
}

pub fn watch(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Reply {
    let s = n.session(c);
    if s.queued.is_some() {
        return Reply::err("ERR WATCH inside MULTI is not allowed");
    }
    for key in &args[1..] {
        if !s.watched.contains(key) {
            s.watched.push(key.clone());
        }
    }
    Reply::ok()
}

pub fn unwatch(n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    let s = n.session(c);
    s.watched.clear();
    s.dirty_cas = false;
    Reply::ok()
}

/// Leaves MULTI and forgets the watched keys.
pub(crate) fn end_transaction(n: &mut Node, c: u64) {
    let s = n.session(c);
    s.queued = None;
    s.dirty_exec = false;
    s.watched.clear();
    s.dirty_cas = false;
}

/// EXEC: the queued commands' replies as one array; an aborted transaction gets EXECABORT,
/// a touched WATCH the nil array. Writes reach the replicas wrapped in MULTI/EXEC.
pub fn exec(n: &mut Node, c: u64, _args: &[Vec<u8>]) -> Reply {
    let s = n.session(c).clone();
    let Some(queued) = s.queued else {
        return Reply::err("ERR EXEC without MULTI");
    };
    end_transaction(n, c);
    if s.dirty_cas {
        return Reply::Array(None);
    }
    if s.dirty_exec {
        return Reply::err("EXECABORT Transaction discarded because of previous errors.");
    }
    n.clients.held_propagation = Some(Vec::new());
    let mut replies = Vec::with_capacity(queued.len());
    for args in &queued {
        let reply = match lookup(&args[0]) {
            Some(spec) if spec.name == "wait" => {
                // A transaction never blocks: WAIT answers with the replicas acknowledged.
                let woff = n.session(c).woff;
                Reply::int(n.repl.acked(woff) as i64)
            }
            Some(spec) => match n.acl_exec_denial(c, spec, args) {
                Some(denied) => denied,
                None => n.run(c, spec, args),
            },
            None => Reply::err("ERR unknown command"),
        };
        replies.push(reply);
    }
    let held = n.clients.held_propagation.take().unwrap_or_default();
    let wrap = held.len() > 1;
    if wrap {
        n.propagate(vec![b"MULTI".to_vec()]);
    }
    for command in held {
        n.propagate(command);
    }
    if wrap {
        n.propagate(vec![b"EXEC".to_vec()]);
    }
    Reply::array(replies)
}

/// Whether EXEC would write: it then waits out a write pause like any write.
pub(crate) fn exec_writes(n: &Node, c: u64) -> bool {
    n.clients
        .sessions
        .get(&c)
        .and_then(|s| s.queued.as_ref())
        .is_some_and(|q| {
            q.iter()
                .any(|a| lookup(&a[0]).is_some_and(|s| s.flags & WRITE != 0))
        })
}

/// The reply for a command rejected while queueing: the transaction will abort.
pub(crate) fn flag_transaction(n: &mut Node, c: u64) {
    if let Some(s) = n.clients.sessions.get_mut(&c) {
        if s.queued.is_some() {
            s.dirty_exec = true;
        }
    }
}

/// Queues a command inside MULTI (an aborted transaction keeps nothing more).
pub(crate) fn queue(n: &mut Node, c: u64, args: &[Vec<u8>]) -> Exec {
    let s = n.session(c);
    let aborted = s.dirty_exec || s.dirty_cas;
    if let Some(q) = s.queued.as_mut().filter(|_| !aborted) {
        q.push(args.to_vec());
    }
    Exec::Reply(Reply::status("QUEUED"))
}
