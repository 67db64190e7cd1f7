//! One client connection, as a task of the async runtime: it reads bytes, parses every
//! complete request in them, hands them to the simulation as one batch, and writes the
//! encoded replies as they come. Reading, parsing and encoding stay off the simulation
//! thread; a client that does not read its replies only stalls itself.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use clusterlab_core::resp::{Request, RequestReader};
use clusterlab_core::ConnId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use super::sim::{FromSim, ToSim};
use super::Shared;

/// Bytes read from the socket at a time.
const READ_SIZE: usize = 64 * 1024;

/// After the client closed its side, how long replies to what it sent are still awaited.
const DRAIN_AFTER_EOF: Duration = Duration::from_secs(1);

/// Serves one accepted connection to the process on `port` until either side closes it.
pub async fn serve(stream: TcpStream, peer: SocketAddr, port: u16, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let (back_tx, mut back) = unbounded_channel();
    let open = ToSim::Open {
        port,
        peer,
        back: back_tx,
    };
    if shared.tx.send(open).is_ok() {
        // A process that died meanwhile answers Closed: the connection just closes.
        match back.recv().await {
            Some(FromSim::Opened(conn, limit)) => {
                let mut session = Session {
                    conn,
                    limit,
                    stream,
                    back,
                    shared: shared.clone(),
                    reader: RequestReader::new(),
                    out: Vec::new(),
                };
                session.run().await;
                let _ = shared.tx.send(ToSim::Close(conn));
            }
            Some(FromSim::Refused(text)) => {
                let mut stream = stream;
                let _ = stream.write_all(text.as_bytes()).await;
            }
            _ => {}
        }
    }
    shared.clients.fetch_sub(1, Ordering::SeqCst);
}

/// How a batch of requests ends.
enum End {
    /// More requests may follow.
    Open,
    /// Send this and close: `QUIT`'s `+OK`, or a protocol error.
    Last(Vec<u8>),
}

struct Session {
    conn: ConnId,
    /// The process's `client-query-buffer-limit`, as its latest replies said.
    limit: u64,
    stream: TcpStream,
    back: UnboundedReceiver<FromSim>,
    shared: Arc<Shared>,
    reader: RequestReader,
    out: Vec<u8>,
}

impl Session {
    async fn run(&mut self) {
        let mut buf = vec![0u8; READ_SIZE];
        let mut eof = false;
        loop {
            let (batch, end) = self.parse();
            if batch.is_empty() && matches!(end, End::Open) {
                if eof {
                    return;
                }
                // Idle: the next bytes, unless the process closes the connection first.
                tokio::select! {
                    read = self.stream.read(&mut buf) => match read {
                        Ok(0) | Err(_) => return,
                        Ok(n) => self.reader.feed(&buf[..n]),
                    },
                    msg = self.back.recv() => match msg {
                        Some(FromSim::Closed) | None => return,
                        Some(FromSim::Pushed(bytes)) => {
                            if self.stream.write_all(&bytes).await.is_err() {
                                return;
                            }
                        }
                        Some(_) => {}
                    },
                }
                if self.reader.pending() as u64 > self.limit {
                    eprintln!(
                        "clusterlab: closing a client that reached the query buffer limit ({} bytes)",
                        self.limit
                    );
                    return;
                }
                continue;
            }
            if !batch.is_empty() && !self.exchange(batch, &mut buf, &mut eof).await {
                return;
            }
            if let End::Last(bytes) = end {
                let _ = self.stream.write_all(&bytes).await;
                return;
            }
        }
    }

    /// Every complete request in the buffer, up to a `QUIT` or a protocol error.
    fn parse(&mut self) -> (Vec<Vec<Vec<u8>>>, End) {
        let mut batch = Vec::new();
        loop {
            match self.reader.next_request() {
                Request::Incomplete => return (batch, End::Open),
                Request::Error(e) => return (batch, End::Last(format!("-{e}\r\n").into_bytes())),
                Request::Command(args) if args[0].eq_ignore_ascii_case(b"quit") => {
                    return (batch, End::Last(b"+OK\r\n".to_vec()));
                }
                Request::Command(args) => batch.push(args),
            }
        }
    }

    /// Hands a batch to the simulation and writes its replies as they come; meanwhile
    /// keeps reading, so that a client that goes away is noticed. False when the
    /// connection is over.
    async fn exchange(&mut self, batch: Vec<Vec<Vec<u8>>>, buf: &mut [u8], eof: &mut bool) -> bool {
        let mut waiting = batch.len();
        if self
            .shared
            .tx
            .send(ToSim::Requests(self.conn, batch))
            .is_err()
        {
            return false;
        }
        while waiting > 0 {
            // Only a little is read ahead: enough to notice a client that went away,
            // while one that pipelines without reading its replies is held back by TCP.
            let reading = !*eof && self.reader.pending() < READ_SIZE;
            let msg = tokio::select! {
                msg = self.back.recv() => msg,
                read = self.stream.read(buf), if reading => {
                    match read {
                        Ok(0) | Err(_) => *eof = true,
                        Ok(n) => self.reader.feed(&buf[..n]),
                    }
                    continue;
                }
                _ = tokio::time::sleep(DRAIN_AFTER_EOF), if *eof => return false,
            };
            match msg {
                Some(FromSim::Replies(replies, limit)) => {
                    self.limit = limit;
                    waiting = waiting.saturating_sub(replies.len());
                    for (reply, protocol) in &replies {
                        reply.encode_into(&mut self.out, *protocol);
                    }
                    if self.stream.write_all(&self.out).await.is_err() {
                        return false;
                    }
                    self.out.clear();
                }
                Some(FromSim::Pushed(bytes)) => {
                    if self.stream.write_all(&bytes).await.is_err() {
                        return false;
                    }
                }
                Some(FromSim::Opened(..)) => {}
                Some(FromSim::Closed | FromSim::Refused(_)) | None => return false,
            }
        }
        true
    }
}
