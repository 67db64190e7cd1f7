//! Everything the playground computes from the simulation, free of the DOM so that it is
//! tested natively.

pub mod events;
pub mod flights;
pub mod guide;
pub mod inspector;
pub mod interview;
pub mod session;
pub mod share;
pub mod slots;
pub mod state;
pub mod topology;
