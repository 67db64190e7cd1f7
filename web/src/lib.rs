//! The ClusterLab playground: the simulation core compiled to WebAssembly, drawn live
//! with Yew, with the same console as the native binary. `model` holds everything
//! computed from the simulation (tested natively); `app` holds the Yew components.

pub mod app;
pub mod model;
