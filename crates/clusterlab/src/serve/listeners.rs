//! One listening socket per running process: bound while the process lives, closed when
//! it is killed (a connection to it is then refused, as to a dead process), bound again
//! when it restarts; processes started with `.start` get one too.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use clusterlab_core::{ProcessState, World};
use tokio::io::AsyncWriteExt;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use super::conn;
use super::Shared;

/// How long a close waits for its accept task to let go of the socket.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// A port being listened on.
struct Listening {
    stop: oneshot::Sender<()>,
    stopped: std::sync::mpsc::Receiver<()>,
}

/// Every port listened on.
pub struct Listeners {
    runtime: Handle,
    bind: IpAddr,
    shared: Arc<Shared>,
    ports: BTreeMap<u16, Listening>,
}

impl Listeners {
    pub fn new(runtime: Handle, bind: IpAddr, shared: Arc<Shared>) -> Listeners {
        Listeners {
            runtime,
            bind,
            shared,
            ports: BTreeMap::new(),
        }
    }

    /// Listens on `port`.
    pub fn open(&mut self, port: u16) -> Result<(), String> {
        let bind = self.bind;
        let listener = std::net::TcpListener::bind((bind, port))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
        let (stop, stop_rx) = oneshot::channel();
        let (stopped_tx, stopped) = std::sync::mpsc::channel();
        let shared = self.shared.clone();
        self.runtime.spawn(async move {
            if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                accept_loop(listener, port, shared, stop_rx).await;
            }
            let _ = stopped_tx.send(());
        });
        self.ports.insert(port, Listening { stop, stopped });
        Ok(())
    }

    /// Stops listening on `port`, once the socket is closed.
    fn close(&mut self, port: u16) {
        if let Some(l) = self.ports.remove(&port) {
            let _ = l.stop.send(());
            let _ = l.stopped.recv_timeout(CLOSE_WAIT);
        }
    }

    /// Listens on the ports of the processes that run or are paused, and on no others.
    pub fn follow(&mut self, world: &World) {
        for p in world.processes() {
            let alive = p.state != ProcessState::Killed;
            let listening = self.ports.contains_key(&p.port);
            if alive && !listening {
                if let Err(e) = self.open(p.port) {
                    eprintln!("clusterlab: {e}");
                }
            } else if !alive && listening {
                self.close(p.port);
            }
        }
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    port: u16,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((mut stream, peer)) => {
                    if shared.clients.fetch_add(1, Ordering::SeqCst) >= shared.max_clients {
                        shared.clients.fetch_sub(1, Ordering::SeqCst);
                        tokio::spawn(async move {
                            let _ = stream.write_all(b"-ERR max number of clients reached\r\n").await;
                        });
                        continue;
                    }
                    tokio::spawn(conn::serve(stream, peer, port, shared.clone()));
                }
                // Out of file descriptors, say: try again shortly rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}
