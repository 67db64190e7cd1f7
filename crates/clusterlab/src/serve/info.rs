//! `INFO simulation`: what only a served simulation has, how it keeps up with the wall
//! clock. The section is added to `INFO simulation`, `INFO all` and `INFO everything`.

use clusterlab_core::{Reply, World};

use super::clock::Clock;

/// Whether a request is an `INFO` that asks for the simulation section.
pub fn wants_simulation_section(args: &[Vec<u8>]) -> bool {
    args.first()
        .is_some_and(|a| a.eq_ignore_ascii_case(b"info"))
        && args[1..].iter().any(|a| {
            [&b"simulation"[..], b"all", b"everything"]
                .iter()
                .any(|w| a.eq_ignore_ascii_case(w))
        })
}

/// The section's text.
pub fn simulation_section(clock: &Clock, world: &World) -> String {
    format!(
        "# Simulation\r\nsim_time_ms:{}\r\nsim_speed:{}\r\nsim_lag_ms:{}\r\nsim_lag_max_ms:{}\r\n",
        world.now().as_millis(),
        clock.speed(),
        clock.lag_ms,
        clock.max_lag_ms
    )
}

/// `reply` (an INFO text) with the simulation section after the others.
pub fn with_simulation_section(reply: Reply, clock: &Clock, world: &World) -> Reply {
    let section = simulation_section(clock, world);
    let join = |text: &mut Vec<u8>| {
        if !text.is_empty() {
            text.extend_from_slice(b"\r\n");
        }
        text.extend_from_slice(section.as_bytes());
    };
    match reply {
        Reply::Verbatim(mut text) => {
            if !text.is_empty() {
                text.push_str("\r\n");
            }
            text.push_str(&section);
            Reply::Verbatim(text)
        }
        Reply::Bulk(Some(mut text)) => {
            join(&mut text);
            Reply::Bulk(Some(text))
        }
        other => other,
    }
}
