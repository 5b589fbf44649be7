//! Clients that open connections and never finish a request: each connection is closed or answered in
//! bounded time, and one client's held sockets cost other clients nothing.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::TestApp;

const PARTIAL_HEAD: &[u8] = b"POST /graphql HTTP/1.1\r\nHost: x\r\n";

fn server(app: &TestApp) -> SocketAddr {
    app.address
        .trim_start_matches("http://")
        .parse()
        .expect("the test app's address is host:port")
}

/// A connection from `source` (another loopback address stands for another client).
async fn connect_from(source: [u8; 4], server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind(SocketAddr::from((source, 0)))
        .expect("bind a loopback source address");
    socket.connect(server).await.expect("connect")
}

/// Reads until the server closes the connection, for at most `within`; what it sent, or `None` if it
/// kept the connection open that long.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

async fn limited(adjust: impl FnOnce(&mut bootstrap::Settings)) -> TestApp {
    TestApp::spawn_with(|settings| {
        settings.server.header_read_timeout_ms = 500;
        settings.server.body_read_timeout_ms = 500;
        adjust(settings);
    })
    .await
}

#[tokio::test]
async fn a_request_head_that_never_ends_is_closed_within_the_header_timeout() {
    let app = limited(|_| {}).await;
    let mut stream = connect_from([127, 0, 0, 1], server(&app)).await;
    stream.write_all(PARTIAL_HEAD).await.expect("write");
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        answer.is_some(),
        "the connection is still open {:?} after a partial head",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_within_the_header_timeout() {
    let app = limited(|_| {}).await;
    let mut stream = connect_from([127, 0, 0, 1], server(&app)).await;
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("closed after a short idle time");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_request_timeout() {
    let app = limited(|_| {}).await;
    let mut stream = connect_from([127, 0, 0, 1], server(&app)).await;
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{",
        )
        .await
        .expect("write");
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"REQUEST_TIMEOUT\""), "{answer}");
}

/// A byte at a time keeps each read short, so only a deadline on the whole body ends it.
#[tokio::test]
async fn a_body_sent_a_byte_at_a_time_is_cut_off_at_the_body_timeout() {
    let app = limited(|_| {}).await;
    let mut stream = connect_from([127, 0, 0, 1], server(&app)).await;
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\n\r\n",
        )
        .await
        .expect("write");
    let started = Instant::now();
    let mut answer = String::new();
    while started.elapsed() < Duration::from_secs(5) {
        if stream.write_all(b" ").await.is_err() {
            break;
        }
        if let Some(text) = read_until_closed(&mut stream, Duration::from_millis(100)).await {
            answer = text;
            break;
        }
    }
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "after {:?}: {answer:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn health_answers_within_a_second_while_another_client_holds_200_connections() {
    let app = TestApp::spawn().await;
    let server = server(&app);
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut stream = connect_from([127, 0, 0, 2], server).await;
        stream.write_all(PARTIAL_HEAD).await.expect("write");
        held.push(stream);
    }
    let started = Instant::now();
    let response = tokio::time::timeout(
        Duration::from_secs(1),
        app.client.get(app.url("/api/health")).send(),
    )
    .await
    .expect("health answers within a second")
    .expect("sent");
    assert_eq!(response.status(), 200, "after {:?}", started.elapsed());
    drop(held);
}

#[tokio::test]
async fn connections_past_a_clients_cap_are_closed_and_other_clients_are_served() {
    let app = TestApp::spawn_with(|settings| settings.server.max_connections_per_client = 10).await;
    let server = server(&app);
    let mut held = Vec::new();
    for _ in 0..10 {
        let mut stream = connect_from([127, 0, 0, 2], server).await;
        stream.write_all(PARTIAL_HEAD).await.expect("write");
        held.push(stream);
    }
    let mut over = connect_from([127, 0, 0, 2], server).await;
    let _ = over
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let answer = read_until_closed(&mut over, Duration::from_secs(2))
        .await
        .expect("the eleventh connection is closed at once");
    assert!(answer.is_empty(), "refused without an answer: {answer}");

    let mut other = connect_from([127, 0, 0, 3], server).await;
    other
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut other, Duration::from_secs(2))
        .await
        .expect("another client is answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    drop(held.pop());
    // The place a closed connection held is free again.
    let mut again = None;
    for _ in 0..20 {
        let mut stream = connect_from([127, 0, 0, 2], server).await;
        let _ = stream
            .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        let answer = read_until_closed(&mut stream, Duration::from_secs(2)).await;
        if answer
            .as_deref()
            .is_some_and(|a| a.starts_with("HTTP/1.1 200"))
        {
            again = answer;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        again.is_some(),
        "a freed place is given to the client again"
    );
}

#[test]
fn the_default_timeouts_close_a_stalled_connection_within_a_minute() {
    let defaults = bootstrap::settings::ServerSettings::default();
    assert!(defaults.header_read_timeout_ms <= 60_000);
    assert!(defaults.body_read_timeout_ms <= 60_000);
}
