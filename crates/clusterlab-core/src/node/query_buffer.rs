//! A client's query buffer as Redis 7.0.15 sizes it: grown by `readQueryFromClient` (16 KB
//! reads, non-greedy at first and for big arguments, doubling after), shrunk by
//! `clientsCronResizeQueryBuffer` (emptied after more than 2 s idle, cut to the recent peak
//! when it is over 32 KB and twice that peak), with jemalloc's size classes, so CLIENT
//! LIST's `qbuf-free` shows what a real server's would.

use crate::node::Node;

/// `PROTO_IOBUF_LEN`: one read's size.
const IOBUF_LEN: u64 = 16 * 1024;
/// `PROTO_MBULK_BIG_ARG`: a bulk argument this long gets a buffer of its own.
const BIG_ARG: u64 = 32 * 1024;
/// `PROTO_RESIZE_THRESHOLD`: a buffer above this may be cut to its recent peak.
const RESIZE_THRESHOLD: u64 = 32 * 1024;
/// `SDS_MAX_PREALLOC`: greedy growth doubles below this, then adds it.
const MAX_PREALLOC: u64 = 1024 * 1024;
/// `CLIENTS_CRON_MIN_ITERATIONS`.
const CRON_MIN_ITERATIONS: usize = 5;

/// The buffer between requests (everything read was processed): its allocation and the
/// peak length since the last cron visit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryBuffer {
    pub alloc: u64,
    pub peak: u64,
}

/// jemalloc's size class for `n` bytes: 8, then 16-byte steps to 128, then four classes
/// per doubling.
fn usable(n: u64) -> u64 {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let base = 1u64 << (63 - (n - 1).leading_zeros());
    let step = base / 4;
    n.div_ceil(step) * step
}

/// The `alloc` of an sds made to hold `len` bytes: the allocation's usable size less the
/// header (3, 5 or 9 bytes by length) and the terminator.
fn sds_alloc(len: u64) -> u64 {
    let header = match len {
        0..=255 => 3,
        256..=65_535 => 5,
        _ => 9,
    };
    usable(header + len + 1) - header - 1
}

impl QueryBuffer {
    /// A request of `total` bytes whose arguments have these lengths was read whole and
    /// processed.
    pub fn read(&mut self, total: u64, arg_lens: impl Iterator<Item = u64>) {
        // A big argument is read into a buffer made for it, which then becomes the
        // argument itself; a fresh buffer of the same size takes its place.
        if let Some(big) = arg_lens.filter(|&l| l >= BIG_ARG).last() {
            self.peak = self.peak.max(big + 2);
            self.alloc = sds_alloc(big + 2);
            return;
        }
        let mut len = 0;
        while len < total {
            let readlen = if self.alloc < IOBUF_LEN {
                if self.alloc.saturating_sub(len) < IOBUF_LEN {
                    self.alloc = sds_alloc(len + IOBUF_LEN);
                }
                IOBUF_LEN
            } else {
                if self.alloc.saturating_sub(len) < IOBUF_LEN {
                    let wanted = len + IOBUF_LEN;
                    let grown = if wanted < MAX_PREALLOC {
                        wanted * 2
                    } else {
                        wanted + MAX_PREALLOC
                    };
                    self.alloc = sds_alloc(grown);
                }
                self.alloc - len
            };
            len += readlen.min(total - len);
            self.peak = self.peak.max(len);
        }
    }

    /// One visit of `clientsCronResizeQueryBuffer` to a client idle for `idle_secs` whole
    /// seconds with nothing unread.
    pub fn cron(&mut self, idle_secs: u64) {
        if self.alloc > 4 * 1024 {
            if idle_secs > 2 {
                self.alloc = 0;
            } else if self.alloc > RESIZE_THRESHOLD && self.alloc / 2 > self.peak {
                self.alloc = self.peak;
            }
        }
        self.peak = 0;
    }
}

impl Node {
    /// `clientsCron`'s share of the clients this tick: all of them when there are five or
    /// fewer, else a tenth (at least five), taking turns.
    pub(crate) fn resize_query_buffers(&mut self) {
        let count = self.clients.sessions.len();
        if count == 0 {
            return;
        }
        let hz = 10;
        let iterations = (count / hz).max(CRON_MIN_ITERATIONS.min(count));
        let now_secs = self.unix_ms(self.now) / 1000;
        let start = self.clients.cron_cursor;
        let mut visited: Vec<u64> = self
            .clients
            .sessions
            .range(start..)
            .map(|(&c, _)| c)
            .take(iterations)
            .collect();
        if visited.len() < iterations {
            let more = iterations - visited.len();
            visited.extend(
                self.clients
                    .sessions
                    .range(..start)
                    .map(|(&c, _)| c)
                    .take(more),
            );
        }
        self.clients.cron_cursor = visited.last().map_or(0, |&c| c + 1);
        for c in visited {
            let last = self.clients.sessions[&c].last_at;
            let idle = now_secs.saturating_sub(self.unix_ms(last) / 1000);
            if let Some(s) = self.clients.sessions.get_mut(&c) {
                s.query.cron(idle);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL_SET: u64 = 27; // SET x y

    fn set_of(value: u64) -> (u64, Vec<u64>) {
        let digits = value.to_string().len() as u64;
        (4 + 9 + 7 + 1 + digits + 2 + value + 2, vec![3, 1, value])
    }

    /// Each figure is what CLIENT LIST showed on a real 7.0.15 server.
    #[test]
    fn sizes_as_a_real_server_reports_them() {
        let mut q = QueryBuffer::default();
        q.read(36, [6, 7, 3].into_iter());
        assert_eq!(q.alloc, 20_474);
        let (total, args) = set_of(400_000);
        q.read(total, args.into_iter());
        assert_eq!(q.alloc, 458_742);
        q.cron(0);
        q.read(SMALL_SET, [3, 1, 1].into_iter());
        q.cron(0);
        assert_eq!(q.alloc, SMALL_SET);
        q.read(SMALL_SET, [3, 1, 1].into_iter());
        assert_eq!(q.alloc, 20_474);
        q.cron(3);
        assert_eq!(q.alloc, 0);
        q.read(SMALL_SET, [3, 1, 1].into_iter());
        assert_eq!(q.alloc, 20_474);
        let (total, args) = set_of(20_000);
        q.read(total, args.into_iter());
        assert_eq!(q.alloc, 20_474);
        let (total, args) = set_of(30_000);
        q.read(total, args.into_iter());
        assert_eq!(q.alloc, 81_910);
    }

    #[test]
    fn size_classes() {
        assert_eq!(usable(16_390), 20_480);
        assert_eq!(usable(400_012), 458_752);
        assert_eq!(usable(73_726), 81_920);
        assert_eq!(usable(100), 112);
        assert_eq!(usable(1), 8);
    }
}
