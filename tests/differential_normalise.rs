//! What the differential suite normalises before comparing: only what must differ between
//! two clusters (IDs, ports, timing numbers, per-connection figures), and the orders Redis
//! leaves to a hash table.

/// Replaces what must differ between two clusters: ports become `P1..P6` (bus ports
/// `B1..B6`), 40-hex IDs `<id>`, and the numbers that follow timing (ping/pong times,
/// message counters, offsets) `<n>`.
pub fn normalise(text: &str, base: u16) -> String {
    let mut out = String::new();
    let mut prev_line = "";
    for line in text.lines() {
        let mut l = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, l: &mut String| {
            let w = std::mem::take(word);
            let is_id = w.len() == 40 && w.bytes().all(|c| c.is_ascii_hexdigit());
            let port = w.parse::<u16>().ok();
            if is_id {
                l.push_str("<id>");
            } else if let Some(p) = port.filter(|p| (base..base + 6).contains(p)) {
                l.push_str(&format!("P{}", p - base + 1));
            } else if let Some(p) = port.filter(|p| (base + 10_000..base + 10_006).contains(p)) {
                l.push_str(&format!("B{}", p - base - 10_000 + 1));
            } else {
                l.push_str(&w);
            }
        };
        for ch in line.chars() {
            if ch.is_ascii_alphanumeric() {
                word.push(ch);
            } else {
                flush(&mut word, &mut l);
                l.push(ch);
            }
        }
        flush(&mut word, &mut l);
        if l.contains(" laddr=") {
            l = normalise_client_line(&l);
        }
        let timing = l.starts_with("cluster_stats_messages_")
            || prev_line.contains("create-time")
            || prev_line.contains("send-buffer-allocated")
            || prev_line.contains("send-buffer-used")
            || prev_line.contains("replication-offset")
            || prev_line.contains("\"offset\"")
            || prev_line.trim() == "\"id\""
            || prev_line.contains("\"age-seconds\"");
        if timing {
            if let Some(i) = l.rfind([':', ' ']) {
                l.truncate(i + 1);
                l.push_str("<n>");
            }
        }
        prev_line = line;
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// A CLIENT INFO/LIST line: the connection's own numbers (its ID, address, descriptor,
/// age) and the reply-buffer and memory figures differ between any two servers.
pub fn normalise_client_line(line: &str) -> String {
    const VARYING: &[&str] = &["id", "addr", "fd", "age", "idle", "rbs", "rbp", "tot-mem"];
    line.split(' ')
        .map(|field| match field.split_once('=') {
            Some((k, _)) if VARYING.contains(&k.trim_start_matches(['"', '('])) => {
                format!("{k}=<n>")
            }
            _ => field.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// CLUSTER NODES (already normalised): the ping/pong columns are timing, and the line order
/// is Redis's hash-table order.
pub fn normalise_nodes(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| l.trim().trim_start_matches("(verbatim) ").trim_matches('"'))
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f: Vec<&str> = l.split(' ').collect();
            if f.len() > 5 {
                f[4] = "<t>";
                f[5] = "<t>";
            }
            f.join(" ")
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

/// CLUSTER LINKS lists links in Redis's hash-table order: compare the entries sorted (each
/// starts at its `"direction"` line).
pub fn sort_entries(text: &str) -> String {
    let mut entries: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim() == "\"direction\"" || entries.is_empty() {
            entries.push(String::new());
        }
        let last = entries.last_mut().expect("an entry");
        last.push_str(line);
        last.push('\n');
    }
    entries.sort();
    entries.concat()
}

/// CLUSTER SHARDS lists shards in Redis's hash-table order: compare them sorted.
pub fn sort_shards(text: &str) -> String {
    let mut shards: Vec<String> = Vec::new();
    let mut prev = "";
    for line in text.lines() {
        let map_start = line == "  (map of 2)";
        let slots_start = line == "    \"slots\"" && prev != "  (map of 2)";
        if map_start || slots_start || shards.is_empty() {
            shards.push(String::new());
        }
        prev = line;
        let last = shards.last_mut().expect("a shard");
        last.push_str(line);
        last.push('\n');
    }
    shards.sort();
    shards.concat()
}

/// ACL LIST and ACL GETUSER end a user's rules with single commands in the order of
/// Redis's command hash table, which changes from one process to the next: compare each
/// line with those trailing `+command`/`-command` rules sorted.
pub fn sort_command_rules(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let (quoted, body) = match line.rfind('"') {
            Some(end)
                if line
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '"') =>
            {
                let start = line[..end].find('"').unwrap_or(end);
                (Some((start, end)), &line[start + 1..end])
            }
            _ => (None, line),
        };
        let mut words: Vec<&str> = body.split(' ').collect();
        let single =
            |w: &&str| (w.starts_with('+') || w.starts_with('-')) && !w[1..].starts_with('@');
        let from = words.iter().rposition(|w| !single(w)).map_or(0, |i| i + 1);
        words[from..].sort_unstable();
        let body = words.join(" ");
        match quoted {
            Some((start, end)) => {
                out.push_str(&line[..=start]);
                out.push_str(&body);
                out.push_str(&line[end..]);
            }
            None => out.push_str(&body),
        }
        out.push('\n');
    }
    out
}

/// Replies Redis builds from a hash table (ACL CAT's commands): compare the lines sorted.
pub fn sort_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches(|c: char| c.is_ascii_digit() || c == ')' || c == ' '))
        .collect();
    lines.sort_unstable();
    lines.join("\n") + "\n"
}

/// INFO commandstats: the microseconds are timing (the simulation charges 1 µs a call),
/// and the lines come in the order of Redis's command hash table: compare the counts,
/// lines sorted.
pub fn normalise_commandstats(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        // A master's replicas send REPLCONF ACK once a second, each side at its own
        // moment: whether one fell between CONFIG RESETSTAT and INFO is timing.
        .filter(|l| !l.starts_with("cmdstat_replconf:"))
        .map(|l| {
            l.split(',')
                .map(|field| match field.split_once('=') {
                    Some((k, _)) if k == "usec" || k == "usec_per_call" => format!("{k}=<n>"),
                    _ => field.to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}
