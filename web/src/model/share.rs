//! The share link: the URL fragment that carries a run's seed, cluster shape, typed inputs
//! with their moments, and the moment the viewer had reached. Opening it replays the run
//! to the same trace hash. The same text is kept in local storage across reloads.
//!
//! Format: `v2&seed=1&m=3&r=1&nt=5000&at=STEPS:MS&in=STEPS:MS:LINE~STEPS:MS:LINE…`, where
//! each LINE is percent-encoded (everything but letters, digits, `-`, `_` and `.`).
//! `v1` links (before `.cluster-tool` moves ran live) still open: they replay with live
//! tools off, as they were recorded.

use clusterlab_core::{ClusterShape, Moment, SimTime};

use super::session::Input;

/// Everything needed to rebuild a run.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    pub shape: ClusterShape,
    pub inputs: Vec<Input>,
    pub until: Moment,
    /// `.cluster-tool` moves ran as time passed (every `v2` link; `v1` links predate it).
    pub live_tools: bool,
}

pub fn encode(run: &SharedRun) -> String {
    let mut s = format!(
        "{}&seed={}&m={}&r={}&nt={}&at={}",
        if run.live_tools { "v2" } else { "v1" },
        run.shape.seed,
        run.shape.masters,
        run.shape.replicas_per_master,
        run.shape.node_timeout,
        moment_text(run.until)
    );
    if !run.inputs.is_empty() {
        s.push_str("&in=");
        let entries: Vec<String> = run
            .inputs
            .iter()
            .map(|i| format!("{}:{}", moment_text(i.moment), percent_encode(&i.line)))
            .collect();
        s.push_str(&entries.join("~"));
    }
    s
}

/// Parses a fragment (with or without the leading `#`); `Err` says what is wrong.
pub fn decode(fragment: &str) -> Result<SharedRun, String> {
    let fragment = fragment.trim_start_matches('#');
    let mut parts = fragment.split('&');
    let live_tools = match parts.next() {
        Some("v2") => true,
        Some("v1") => false,
        _ => return Err("not a ClusterLab link".into()),
    };
    let mut run = SharedRun {
        shape: ClusterShape::default(),
        inputs: Vec::new(),
        until: Moment::default(),
        live_tools,
    };
    for part in parts {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' has no value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{key}={value} is not a number"))
        };
        match key {
            "seed" => run.shape.seed = number()?,
            "m" => run.shape.masters = number()? as usize,
            "r" => run.shape.replicas_per_master = number()? as usize,
            "nt" => run.shape.node_timeout = number()?,
            "at" => run.until = parse_moment(value)?,
            "in" => {
                for entry in value.split('~').filter(|e| !e.is_empty()) {
                    let mut f = entry.splitn(3, ':');
                    let (Some(steps), Some(ms), Some(line)) = (f.next(), f.next(), f.next()) else {
                        return Err(format!("input '{entry}' is incomplete"));
                    };
                    run.inputs.push(Input {
                        moment: parse_moment(&format!("{steps}:{ms}"))?,
                        line: percent_decode(line)?,
                    });
                }
            }
            _ => {}
        }
    }
    run.shape.validate()?;
    Ok(run)
}

fn moment_text(m: Moment) -> String {
    format!("{}:{}", m.steps, m.at.0)
}

fn parse_moment(text: &str) -> Result<Moment, String> {
    let (steps, ms) = text
        .split_once(':')
        .ok_or_else(|| format!("'{text}' is not STEPS:MS"))?;
    match (steps.parse::<u64>(), ms.parse::<u64>()) {
        (Ok(steps), Ok(ms)) => Ok(Moment {
            steps,
            at: SimTime(ms),
        }),
        _ => Err(format!("'{text}' is not STEPS:MS")),
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad escape in '{text}'"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("'{text}' is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SharedRun {
        SharedRun {
            shape: ClusterShape {
                seed: 42,
                masters: 4,
                replicas_per_master: 2,
                node_timeout: 3000,
                ..ClusterShape::default()
            },
            inputs: vec![
                Input {
                    moment: Moment {
                        steps: 10,
                        at: SimTime(2500),
                    },
                    line: "set \"my key\" v:1~&=%".into(),
                },
                Input {
                    moment: Moment {
                        steps: 99,
                        at: SimTime(9000),
                    },
                    line: ".partition 7001,7004 / 7002".into(),
                },
            ],
            until: Moment {
                steps: 120,
                at: SimTime(12_000),
            },
            live_tools: true,
        }
    }

    #[test]
    fn a_link_round_trips() {
        let run = sample();
        let text = encode(&run);
        assert!(text.starts_with("v2&seed=42&m=4&r=2&nt=3000&at=120:12000&in=10:2500:set"));
        assert_eq!(decode(&format!("#{text}")).unwrap(), run);
        // A link from before live tools opens with them off.
        let old = decode(&text.replacen("v2", "v1", 1)).unwrap();
        assert!(!old.live_tools);
        assert!(encode(&old).starts_with("v1&"), "a v1 run stays v1");
        assert!(decode(&text.replacen("v2", "v3", 1)).is_err());
    }

    #[test]
    fn bad_links_get_a_reason_not_a_panic() {
        assert!(decode("").is_err());
        assert!(decode("v1&m=2").unwrap_err().contains("at least 3 master"));
        assert!(decode("v1&in=1:2").is_err());
        assert!(decode("v1&in=1:2:%4").is_err());
        assert!(decode("v1&seed=x").is_err());
        assert!(decode("v1&in=1:2:%FF").is_err());
    }
}
