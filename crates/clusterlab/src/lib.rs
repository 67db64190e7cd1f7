//! The `clusterlab` binary's reusable parts: its command line, and `serve`, which puts the
//! simulated nodes on real TCP ports (the workspace tests start it in-process).

pub mod cli;
pub mod serve;
