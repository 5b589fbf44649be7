//! Serving the router over HTTP/1.1, with bounds that `axum::serve` leaves off: it runs hyper without a
//! timer, so a client that opens a connection and never finishes its request head keeps it forever, and
//! a few hundred of them exhaust the file descriptors that every other client needs.
//!
//! - A request head must arrive within the header timeout. The same timer runs while a keep-alive
//!   connection waits for its next request, so it also bounds idle connections.
//! - One client (one peer address) holds at most so many connections at once; the ones past that are
//!   closed as they are accepted, so one client's held sockets cost others nothing.
//! - The body has its own deadline, in the router ([`super::router`]), since hyper bounds only heads.
//!
//! HTTP/2 is not offered: its connections have no equivalent of the head timeout in hyper, and the
//! service is reached over HTTP/1.1 by clients and proxies alike.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::Service;

/// What one connection may take.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From the connection's start, or the end of its last response, until a whole request head is in.
    pub header_read_timeout: Duration,
    /// Connections one peer address may hold open at once.
    pub max_connections_per_client: usize,
}

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, lets every
/// connection finish the request it is on, and returns when all are closed. Handlers see the peer
/// address as [`ConnectInfo<SocketAddr>`].
///
/// # Errors
/// Never today: accept failures (a full file table, say) are logged and retried.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let clients = Clients::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    let (done_tx, done_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // EMFILE and the like: connections already held may free descriptors soon.
                    tracing::warn!(%error, "could not accept a connection; retrying");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = clients.admit(peer.ip(), limits.max_connections_per_client) else {
            tracing::debug!(peer = %peer.ip(), "connection refused: the client holds too many");
            drop(stream);
            continue;
        };
        let connection = Connection {
            router: router.clone(),
            peer,
            limits,
            stop: stop_rx.clone(),
            _done: done_rx.clone(),
            _slot: slot,
        };
        tokio::spawn(connection.run(stream));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task holds a `done` receiver; the channel closes when the last one ends.
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

struct Connection {
    router: Router,
    peer: SocketAddr,
    limits: ConnectionLimits,
    stop: watch::Receiver<bool>,
    _done: watch::Receiver<()>,
    _slot: Slot,
}

impl Connection {
    async fn run(mut self, stream: TcpStream) {
        // Responses are written whole; Nagle would hold the last segment back for an ACK.
        let _ = stream.set_nodelay(true);
        let router = self.router.clone();
        let peer = self.peer;
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().call(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let mut connection = std::pin::pin!(connection);
        let stopping = async {
            // The guard `wait_for` returns is not Send; only the wake-up matters.
            let _ = self.stop.wait_for(|stop| *stop).await.is_ok();
        };
        tokio::select! {
            result = connection.as_mut() => log_end(result),
            () = stopping => {
                connection.as_mut().graceful_shutdown();
                log_end(connection.await);
            }
        }
    }
}

/// A client that goes away, or a head that timed out, is the client's business: debug only.
fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended with an error");
    }
}

/// Open connections per peer address.
#[derive(Clone, Default)]
struct Clients(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl Clients {
    fn admit(&self, ip: IpAddr, limit: usize) -> Option<Slot> {
        let mut open = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(ip).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Slot {
            clients: self.clone(),
            ip,
        })
    }
}

/// One admitted connection; dropping it frees the place.
struct Slot {
    clients: Clients,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .clients
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_up_to_its_limit_and_its_places_back_as_connections_close() {
        let clients = Clients::default();
        let a = IpAddr::from([127, 0, 0, 2]);
        let b = IpAddr::from([127, 0, 0, 3]);
        let first = clients.admit(a, 2).expect("first");
        let second = clients.admit(a, 2).expect("second");
        assert!(clients.admit(a, 2).is_none(), "a third is refused");
        assert!(
            clients.admit(b, 2).is_some(),
            "another client is not affected"
        );
        drop(first);
        assert!(
            clients.admit(a, 2).is_some(),
            "a closed connection frees its place"
        );
        drop(second);
    }

    #[test]
    fn a_client_with_no_connection_left_is_forgotten() {
        let clients = Clients::default();
        let a = IpAddr::from([127, 0, 0, 2]);
        drop(clients.admit(a, 1));
        assert!(clients.0.lock().expect("not poisoned").is_empty());
    }
}
