//! Faults as console lines: the dot-commands that parse into the fault vocabulary
//! (`.kill 7003`, `.partition 7001,7004 / 7002,7003`), and the inverse, the line that
//! carries out a fault, which the playground's buttons type into the console.

use super::{DataOnRestart, Fault};
use crate::time::SimDuration;

/// Every dot-command that is a fault, as [`Fault::parse_line`] takes them.
pub const FAULT_COMMANDS: [&str; 9] = [
    ".kill",
    ".restart",
    ".pause",
    ".partition",
    ".oneway",
    ".blockbus",
    ".loss",
    ".delay",
    ".heal",
];

fn port(word: &str) -> Result<u16, String> {
    word.parse::<u16>()
        .map_err(|_| format!("'{word}' is not a port"))
}

fn ports(list: &str) -> Result<Vec<u16>, String> {
    list.split(',')
        .filter(|w| !w.is_empty())
        .map(port)
        .collect()
}

fn join(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Fault {
    /// Parses a fault dot-command (`cmd` in lower case, then its words).
    pub fn parse_line(cmd: &str, rest: &[&str]) -> Result<Fault, String> {
        let usage = |u: &str| Err(format!("usage: {u}"));
        match (cmd, rest) {
            (".kill", [p]) => Ok(Fault::Kill(port(p)?)),
            (".kill", _) => usage(".kill PORT"),
            (".restart", [p]) => Ok(Fault::Restart {
                port: port(p)?,
                data: DataOnRestart::Empty,
            }),
            (".restart", [p, mode]) => {
                let data = match mode.to_ascii_lowercase().as_str() {
                    "empty" => DataOnRestart::Empty,
                    "aof" | "keep" => DataOnRestart::Keep,
                    _ => return usage(".restart PORT [empty|aof]"),
                };
                Ok(Fault::Restart {
                    port: port(p)?,
                    data,
                })
            }
            (".restart", _) => usage(".restart PORT [empty|aof]"),
            (".pause", [p, d]) => match SimDuration::parse(d) {
                Some(duration) => Ok(Fault::Pause {
                    port: port(p)?,
                    duration,
                }),
                None => Err(format!("'{d}' is not a duration; try 500ms, 2s or 1.5m")),
            },
            (".pause", _) => usage(".pause PORT DURATION"),
            (".partition", words) if !words.is_empty() => {
                let joined = words.join(" ");
                let groups: Result<Vec<Vec<u16>>, String> = joined
                    .split('/')
                    .map(|g| ports(&g.replace(' ', ",")))
                    .collect();
                let groups: Vec<Vec<u16>> = groups?.into_iter().filter(|g| !g.is_empty()).collect();
                if groups.is_empty() {
                    return usage(".partition 7001,7004 / 7002,7003,7005,7006");
                }
                Ok(Fault::Partition(groups))
            }
            (".partition", _) => usage(".partition 7001,7004 / 7002,7003,7005,7006"),
            (".oneway", [a, b]) => Ok(Fault::OneWay {
                from: port(a)?,
                to: port(b)?,
            }),
            (".oneway", _) => usage(".oneway FROM TO"),
            (".blockbus", words) if !words.is_empty() => {
                Ok(Fault::BlockBus(ports(&words.join(","))?))
            }
            (".blockbus", _) => usage(".blockbus 7001,7002,..."),
            (".loss", [a, b, pct]) => {
                let percent = pct
                    .trim_end_matches('%')
                    .parse::<u8>()
                    .map_err(|_| "loss must be a percentage from 0 to 100".to_string())?;
                Ok(Fault::Loss {
                    from: port(a)?,
                    to: port(b)?,
                    percent,
                })
            }
            (".loss", _) => usage(".loss FROM TO PERCENT"),
            (".delay", [a, b, ms]) => {
                let ms = SimDuration::parse(ms)
                    .ok_or_else(|| format!("'{ms}' is not a duration"))?
                    .as_millis();
                Ok(Fault::Delay {
                    from: port(a)?,
                    to: port(b)?,
                    ms,
                })
            }
            (".delay", _) => usage(".delay FROM TO MS"),
            (".heal", []) => Ok(Fault::Heal),
            _ => usage(".heal"),
        }
    }

    /// The dot-command of this fault: `.kill`, `.partition`, …
    pub fn command(&self) -> &'static str {
        match self {
            Fault::Kill(_) => ".kill",
            Fault::Restart { .. } => ".restart",
            Fault::Pause { .. } => ".pause",
            Fault::Partition(_) => ".partition",
            Fault::OneWay { .. } => ".oneway",
            Fault::BlockBus(_) => ".blockbus",
            Fault::Loss { .. } => ".loss",
            Fault::Delay { .. } => ".delay",
            Fault::Heal => ".heal",
        }
    }

    /// The console line that carries out this fault; [`Fault::parse_line`] reads it back.
    pub fn console_line(&self) -> String {
        let cmd = self.command();
        match self {
            Fault::Kill(p) => format!("{cmd} {p}"),
            Fault::Restart {
                port,
                data: DataOnRestart::Empty,
            } => format!("{cmd} {port}"),
            Fault::Restart {
                port,
                data: DataOnRestart::Keep,
            } => format!("{cmd} {port} aof"),
            Fault::Pause { port, duration } => format!("{cmd} {port} {duration}"),
            Fault::Partition(groups) => {
                let g: Vec<String> = groups.iter().map(|g| join(g)).collect();
                format!("{cmd} {}", g.join(" / "))
            }
            Fault::OneWay { from, to } => format!("{cmd} {from} {to}"),
            Fault::BlockBus(p) => format!("{cmd} {}", join(p)),
            Fault::Loss { from, to, percent } => format!("{cmd} {from} {to} {percent}"),
            Fault::Delay { from, to, ms } => format!("{cmd} {from} {to} {ms}ms"),
            Fault::Heal => cmd.to_string(),
        }
    }

    /// Every port the fault names.
    pub fn ports(&self) -> Vec<u16> {
        match self {
            Fault::Kill(p) | Fault::Restart { port: p, .. } | Fault::Pause { port: p, .. } => {
                vec![*p]
            }
            Fault::Partition(groups) => groups.concat(),
            Fault::OneWay { from, to }
            | Fault::Loss { from, to, .. }
            | Fault::Delay { from, to, .. } => vec![*from, *to],
            Fault::BlockBus(p) => p.clone(),
            Fault::Heal => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits a line as the console does before parsing a fault.
    fn parse(line: &str) -> Result<Fault, String> {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or("").to_ascii_lowercase();
        let rest: Vec<&str> = words.collect();
        Fault::parse_line(&cmd, &rest)
    }

    #[test]
    fn every_fault_reads_back_from_its_console_line() {
        let faults = [
            Fault::Kill(7003),
            Fault::Restart {
                port: 7003,
                data: DataOnRestart::Empty,
            },
            Fault::Restart {
                port: 7003,
                data: DataOnRestart::Keep,
            },
            Fault::Pause {
                port: 7002,
                duration: SimDuration(10_000),
            },
            Fault::Pause {
                port: 7002,
                duration: SimDuration(1_500),
            },
            Fault::Partition(vec![vec![7001, 7004], vec![7002, 7003, 7005, 7006]]),
            Fault::OneWay {
                from: 7001,
                to: 7002,
            },
            Fault::BlockBus(vec![7001, 7002]),
            Fault::Loss {
                from: 7001,
                to: 7002,
                percent: 30,
            },
            Fault::Delay {
                from: 7001,
                to: 7002,
                ms: 250,
            },
            Fault::Heal,
        ];
        for f in faults {
            let line = f.console_line();
            assert!(FAULT_COMMANDS.contains(&f.command()), "{line}");
            assert_eq!(parse(&line), Ok(f), "{line}");
        }
    }

    #[test]
    fn mistyped_faults_get_their_usage() {
        assert_eq!(parse(".kill"), Err("usage: .kill PORT".into()));
        assert_eq!(parse(".kill x"), Err("'x' is not a port".into()));
        assert!(parse(".pause 7001 soon")
            .unwrap_err()
            .contains("not a duration"));
    }
}
