//! # clusterlab-core
//!
//! A deterministic, sans-IO simulation of a Redis 7 cluster. Every node keeps its own view
//! of the cluster and learns only through cluster-bus messages; a [`World`] owns virtual
//! time, the event queue, the network model and one seeded generator.
//!
//! ## Driving contract
//!
//! * **Create**: [`World::new`] starts the processes of a [`ClusterShape`] (fresh nodes,
//!   not joined); [`cluster_manager::create_cluster`] joins them as `redis-cli --cluster create`
//!   does; [`console::Console::new`] does both and waits for convergence.
//! * **Advance**: [`World::step`] runs the next event; [`World::run_until`] and
//!   [`World::advance`] run every event up to a time. Nothing happens between calls.
//! * **Execute**: [`World::connect`] opens a client connection to a port and
//!   [`World::execute`] sends one command, returning Redis's [`Reply`] (MOVED, ASK,
//!   CROSSSLOT… are replies, not Rust errors). [`client::RedisCli`] follows redirects like
//!   `redis-cli -c` and prints exactly what it prints.
//! * **Read**: [`World::node`] gives a node's own view; [`World::events`] the explained
//!   event log; [`World::trace_hash`] a digest of the whole run.
//!
//! The same seed and the same inputs always give the same event log and trace hash,
//! natively and on `wasm32-unknown-unknown`.
//!
//! # Example
//!
//! ```
//! use clusterlab_core::{console::Console, ClusterShape};
//!
//! let mut console = Console::new(ClusterShape::default()).unwrap();
//! let out = console.run_line("set mykey myvalue");
//! assert_eq!(
//!     String::from_utf8(out.text).unwrap(),
//!     "-> Redirected to slot [14687] located at 127.0.0.1:7003\nOK\n"
//! );
//! assert_eq!(console.prompt(), "127.0.0.1:7003> ");
//! ```

pub mod acl;
pub mod bus;
pub mod client;
pub mod cluster_manager;
pub mod commands;
pub mod config;
pub mod console;
pub mod converge;
pub mod event;
pub mod faults;
pub mod glob;
pub mod ip;
pub mod keyspace;
pub mod long_double;
pub mod name;
pub mod net;
pub mod node;
pub mod order;
pub mod rdb;
pub mod reply;
pub mod resp;
pub mod rng;
pub mod scenario;
pub mod slot;
pub mod split;
pub mod time;
pub mod types;
pub mod world;

pub use config::{ClusterShape, LatencyModel, NodeConfig};
pub use event::{Event, EventCategory, EventKind};
pub use faults::{DataOnRestart, Fault, FaultError};
pub use name::{NodeIdx, NodeName};
pub use reply::{Protocol, Reply};
pub use slot::{key_hash_slot, Slot, SlotSet, SLOTS};
pub use time::{SimDuration, SimTime};
pub use world::{ConnError, ConnId, Moment, ProcessState, Submitted, World};
