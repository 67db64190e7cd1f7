//! The explanation of every event, generated from its fields: Redis's own log line (in
//! quotes) where it has one, then the rule and the numbers behind it.

use std::fmt;

use super::{
    EpochReason, EventKind, FailClearReason, LearnedVia, LinkDownCause, NodeTag, ReplicaReason,
    SyncRefusal,
};

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EventKind::*;
        match self {
            NodeStarted { port, id } => write!(f, "started on port {port}: \"No cluster configuration found, I'm {id}\""),
            MeetRequested { ip, port } => write!(f, "CLUSTER MEET {ip}:{port}: handshake entry created, MEET goes out on the next cron tick"),
            HandshakeCompleted { ip, port, id } => write!(f, "handshake with {ip}:{port} completed: its ID is {id}"),
            NodeLearned { ip, port, via: LearnedVia::Meet } => write!(f, "learned node {ip}:{port} (handshake) from its MEET; a handshake PING goes back on the next cron tick"),
            NodeLearned { ip, port, via: LearnedVia::Gossip { id, from } } => write!(f, "learned node {ip}:{port} ({id}) from gossip sent by {from}"),
            HandshakeTimedOut { ip, port, timeout_ms } => write!(f, "handshake with {ip}:{port} dropped: no reply within {timeout_ms} ms (max(node_timeout, 1000))"),
            OwnIpLearned { ip } => write!(f, "\"IP address for this node updated to {ip}\" (learned from the socket of a MEET)"),
            SlotsChanged { command, count } => write!(f, "{command}: {count} slots changed in its own table; gossip will tell the others"),
            SlotsRebound { count, from: None, to, sender_epoch, .. } => write!(
                f,
                "binds {count} unassigned slots to {to}: {to} claims them (configEpoch {sender_epoch})"
            ),
            SlotsRebound { count, from: Some(from), from_epoch, to, sender_epoch } if from_epoch < sender_epoch => write!(
                f,
                "rebinds {count} slots from {from} to {to}: {to} claims them with configEpoch {sender_epoch} > {from_epoch}"
            ),
            SlotsRebound { count, from: Some(from), to, .. } => {
                write!(f, "rebinds {count} slots from {from} to {to}: {from} no longer claims them")
            }
            UpdateSent { to, about, slot, owner_epoch, sender_epoch } => write!(
                f,
                "\"Node {to} has old slots configuration, sending an UPDATE message about {about}\": slot {slot} has configEpoch {owner_epoch} > {sender_epoch}"
            ),
            SlotMigrating { slot, to } => write!(
                f,
                "slot {slot} MIGRATING to {port}: a key no longer here now gets ASK {slot} …:{port}; MIGRATE moves the keys",
                port = to.port
            ),
            SlotImporting { slot, from } => write!(
                f,
                "slot {slot} IMPORTING from {port}: a command right after ASKING is served here; without it, MOVED back to the owner",
                port = from.port
            ),
            SlotStable { slot } => write!(f, "slot {slot} STABLE: no longer migrating or importing here"),
            SlotAssigned { slot, to } => write!(
                f,
                "slot {slot} assigned to {port} with SETSLOT NODE (this node's own table)",
                port = to.port
            ),
            KeysMigrated { host, port, count, keys, copy } => write!(
                f,
                "MIGRATE of {count} key(s) to {host}:{port} done ({}{}){}",
                keys.join(", "),
                if *count > keys.len() { ", …" } else { "" },
                if *copy { "; COPY keeps them here too" } else { "; deleted here" }
            ),
            MigrateFailed { host, port, error } => {
                write!(f, "MIGRATE to {host}:{port} failed: the target replied {error}")
            }
            MigrateTimedOut { host, port } => {
                write!(f, "MIGRATE to {host}:{port} timed out: no reply from the target")
            }
            ConfigEpochSet { epoch, reason } => {
                write!(f, "configEpoch set to {epoch}: ")?;
                match reason {
                    EpochReason::Failover => write!(f, "\"configEpoch set to {epoch} after successful failover\" (the election's epoch)"),
                    EpochReason::Collision { with } => write!(f, "configEpoch collision with {with}, whose node ID is greater (the greater ID keeps its epoch)"),
                    EpochReason::SetConfigEpoch => write!(f, "\"configEpoch set to {epoch} via CLUSTER SET-CONFIG-EPOCH\""),
                    EpochReason::BumpEpoch => f.write_str("CLUSTER BUMPEPOCH"),
                    EpochReason::Takeover => f.write_str("CLUSTER FAILOVER TAKEOVER bumps the epoch without asking anyone"),
                    EpochReason::Imported { slot } => write!(f, "\"configEpoch updated after importing slot {slot}\""),
                }
            }
            CurrentEpochRaised { from, to, sender } => write!(f, "currentEpoch {from} -> {to}: a header from {sender} carried a higher epoch"),
            BecameReplica { master, reason } => {
                write!(f, "becomes a replica of {master}: ")?;
                replica_reason(f, master, reason)
            }
            BecameMaster { old_master, slots } => write!(
                f,
                "becomes a master: took over {slots} slots of {old_master}; broadcasting a PONG so every node learns it"
            ),
            FullSync { master, offset, keys } => write!(
                f,
                "full resync from {master} done: {keys} keys loaded at offset {offset} (the master waited repl-diskless-sync-delay, 5 s, before sending)"
            ),
            StateChanged { ok, reason } => write!(f, "\"Cluster state changed: {}\": {reason}", if *ok { "ok" } else { "fail" }),
            Redirected { command, error } => write!(f, "{command} -> {error}"),
            PossiblyFailing { peer, ping_ms, silent_ms, node_timeout_ms } => write!(
                f,
                "\"*** NODE {peer} possibly failing\" (PFAIL): its ping has waited {ping_ms} ms and nothing else arrived for {silent_ms} ms > node_timeout {node_timeout_ms} ms"
            ),
            MarkedFailing { peer, agree, masters, needed } => write!(
                f,
                "\"Marking node {peer} as failing (quorum reached)\": {agree} of {masters} masters agree (needed {needed})"
            ),
            FailReceived { from, about } => write!(f, "\"FAIL message received from {from} about {about}\""),
            FailCleared { peer, reason } => write!(
                f,
                "\"Clear FAIL state for node {peer}: {}\"",
                match reason {
                    FailClearReason::Replica => "replica is reachable again.",
                    FailClearReason::SlotlessMaster => "master without slots is reachable again.",
                    FailClearReason::Unserved => "is reachable again and nobody is serving its slots after some time.",
                }
            ),
            SyncRefused { master, refusal: SyncRefusal::NoAuth } => write!(
                f,
                "cannot sync from {master}: \"MASTER aborted replication with an error: NOAUTH Authentication required.\" ({master} has requirepass, this replica has no masterauth); retrying every second, master_link_status:down"
            ),
            SyncRefused { master, refusal: SyncRefusal::WrongPass } => write!(
                f,
                "cannot sync from {master}: \"Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled.\" (masterauth is not {master}'s password); retrying every second, master_link_status:down"
            ),
            SyncRefused { master, refusal: SyncRefusal::NoPasswordConfigured } => write!(
                f,
                "cannot sync from {master}: \"Unable to AUTH to MASTER: -ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\" ({master} has no requirepass, this replica has masterauth); retrying every second, master_link_status:down"
            ),
            SyncRefused { master, refusal: SyncRefusal::NoPerm } => write!(
                f,
                "cannot sync from {master}: \"MASTER aborted replication with an error: NOPERM this user has no permissions to run the 'sync' command\" (the user masteruser names on {master} may run neither PSYNC nor SYNC); retrying every second, master_link_status:down"
            ),
            ReplicationLinkDown { master, cause: LinkDownCause::ConnectionLost } => write!(
                f,
                "replication link to its master {master} is down (connection lost); master_link_status:down"
            ),
            ReplicationLinkDown { master, cause: LinkDownCause::Timeout } => write!(
                f,
                "MASTER timeout: no data from {master} for more than repl-timeout (60 s); master_link_status:down"
            ),
            CantFailover { reason, needed, votes } => write!(
                f,
                "\"Currently unable to failover: {reason}\" (needed quorum {needed}, votes so far {votes})"
            ),
            AuthDenied { to, reason } => write!(f, "\"Failover auth denied to {to}: {reason}\""),
            AuthGranted { to, epoch, forced } => write!(
                f,
                "\"Failover auth granted to {to} for epoch {epoch}\"{}",
                if *forced {
                    " (FORCEACK: manual failover)"
                } else {
                    " (its master is FAIL; my one vote for this epoch)"
                }
            ),
            PausedMasterOffset { offset } => write!(f, "\"Received replication offset for paused master manual failover: {offset}\""),
            TakeoverStarted {} => f.write_str("\"Taking over the master (user request).\" (no vote: configEpoch bumped without consensus)"),
            ForcedFailoverAccepted {} => f.write_str("\"Forced failover user request accepted.\" (no catch-up with the master; votes still needed)"),
            ManualFailoverAccepted {} => f.write_str("\"Manual failover user request accepted.\" (MFSTART asks the master to pause writes)"),
            MfStartReceived { replica } => write!(f, "\"Manual failover requested by replica {replica}.\" (writes paused for 10 s while it catches up)"),
            ManualFailoverCanStart { offset } => write!(f, "\"All master replication stream processed, manual failover can start.\" (offset {offset})"),
            ManualFailoverTimedOut {} => f.write_str("\"Manual failover timed out.\" (not done within 5 s)"),
            ElectionDelayed { delay_ms, rank, offset, jitter_ms } => {
                write!(f, "\"Start of election delayed for {delay_ms} milliseconds (rank #{rank}, offset {offset}).\" (")?;
                match jitter_ms {
                    Some(j) => write!(f, "500 ms fixed + {j} ms random + rank #{rank} × 1000 ms)"),
                    None => f.write_str("manual failover: no delay, rank 0)"),
                }
            }
            RankUpdated { rank, added_ms } => write!(
                f,
                "\"Replica rank updated to #{rank}, added {added_ms} milliseconds of delay.\" (a sibling replica reported a larger offset)"
            ),
            ElectionStarted { epoch, needed, masters } => write!(
                f,
                "\"Starting a failover election for epoch {epoch}.\" (currentEpoch +1; asks every master for a vote, needs {needed} of {masters})"
            ),
            VoteCounted { from, count, epoch } => write!(f, "vote from {from} counted: {count} for epoch {epoch}"),
            ElectionWon { votes, needed, masters } => write!(
                f,
                "\"Failover election won: I'm the new master.\" ({votes} votes ≥ quorum {needed} of {masters} masters)"
            ),
            LostWrite { command, port, at, offset, loss } => write!(
                f,
                "LOST WRITE: \"{command}\" acknowledged by {port} at {at} (offset {offset}): {loss}"
            ),
            FaultApplied { fault } => write!(f, "{fault}"),
            Woke { port } => write!(f, "{port} wakes up and processes what arrived while it was paused"),
            ClusterReset { hard } => write!(
                f,
                "CLUSTER RESET {}: forgot every other node and all slots",
                if *hard { "HARD" } else { "SOFT" }
            ),
        }
    }
}

fn replica_reason(
    f: &mut fmt::Formatter<'_>,
    master: &NodeTag,
    reason: &ReplicaReason,
) -> fmt::Result {
    match reason {
        ReplicaReason::ConfigChange { epoch } => write!(
            f,
            "\"Configuration change detected. Reconfiguring myself as a replica of {}\": {master} took our last slot with configEpoch {epoch}",
            master.name
        ),
        ReplicaReason::SubReplica => {
            f.write_str("\"I'm a sub-replica! Reconfiguring myself as a replica of grandmaster\"")
        }
        ReplicaReason::OrphanedMaster { orphaned_ms, my_master_keeps, barrier } => write!(
            f,
            "\"Migrating to orphaned master {master}\": it has had no working replica for {orphaned_ms} ms (> 5000), my master keeps {my_master_keeps} > cluster-migration-barrier {barrier}, and my ID is the smallest among the candidates"
        ),
        ReplicaReason::GaveLastSlot { slot } => {
            write!(f, "it gave its last slot {slot} away with CLUSTER SETSLOT NODE")
        }
        ReplicaReason::Replicate => f.write_str("CLUSTER REPLICATE"),
    }
}
