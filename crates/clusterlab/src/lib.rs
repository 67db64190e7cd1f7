//! The `clusterlab` binary's reusable part: `serve` puts the simulated nodes on real TCP
//! ports (the workspace tests start it in-process).

pub mod serve;
