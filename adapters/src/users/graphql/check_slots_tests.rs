use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::{CheckSlots, ClientKey};

fn client(last: u8) -> ClientKey {
    ClientKey::from(IpAddr::from([198, 51, 100, last]))
}

const LONG: Duration = Duration::from_secs(30);

/// Lets spawned waiters reach the queue.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_lone_client_may_use_every_place() {
    let slots = CheckSlots::new(3, 12, LONG);
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(slots.acquire(client(1)).await.expect("a free place"));
    }
    let slots = Arc::new(slots);
    let waiter = tokio::spawn({
        let slots = Arc::clone(&slots);
        async move { slots.acquire(client(1)).await.is_some() }
    });
    settle().await;
    drop(held.pop());
    assert!(
        waiter.await.expect("no panic"),
        "its own waiter gets the freed place"
    );
}

#[tokio::test]
async fn a_freed_place_goes_to_the_client_with_fewer_in_flight_though_it_came_last() {
    let slots = Arc::new(CheckSlots::new(2, 20, LONG));
    let mut flood = vec![
        slots.acquire(client(1)).await.expect("free"),
        slots.acquire(client(1)).await.expect("free"),
    ];
    let (tx, mut order) = tokio::sync::mpsc::unbounded_channel();
    for who in [1, 1, 1, 2] {
        let slots = Arc::clone(&slots);
        let tx = tx.clone();
        tokio::spawn(async move {
            let slot = slots.acquire(client(who)).await;
            tx.send((who, slot.is_some())).expect("open");
            // Holds the place so that the next one is handed on only when the test frees one.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(slot);
        });
        settle().await;
    }
    drop(flood.pop());
    assert_eq!(
        order.recv().await,
        Some((2, true)),
        "the other client is next"
    );
    drop(flood.pop());
    assert_eq!(
        order.recv().await,
        Some((1, true)),
        "then the flood, in order"
    );
}

#[tokio::test]
async fn with_the_waiting_places_full_a_newcomer_displaces_the_longest_queue() {
    let slots = Arc::new(CheckSlots::new(1, 3, LONG));
    let _held = slots.acquire(client(1)).await.expect("free");
    let mut flood = Vec::new();
    for _ in 0..3 {
        let slots = Arc::clone(&slots);
        flood.push(tokio::spawn(async move {
            slots.acquire(client(1)).await.is_some()
        }));
        settle().await;
    }
    assert!(
        slots.acquire(client(1)).await.is_none(),
        "the flood's own fourth waiter finds no place"
    );
    let newcomer = tokio::spawn({
        let slots = Arc::clone(&slots);
        async move { slots.acquire(client(2)).await.is_some() }
    });
    settle().await;
    let evicted = flood.pop().expect("three");
    assert!(
        !evicted.await.expect("no panic"),
        "the flood's newest waiter was refused for it"
    );
    assert!(!newcomer.is_finished(), "the newcomer waits for a place");
}

#[tokio::test]
async fn a_wait_that_times_out_or_is_dropped_frees_its_waiting_place() {
    let slots = Arc::new(CheckSlots::new(1, 1, Duration::from_millis(200)));
    let held = slots.acquire(client(1)).await.expect("free");
    assert!(
        slots.acquire(client(2)).await.is_none(),
        "no place within the wait"
    );
    // The timed-out wait left the one waiting place free, so another may wait; it is then dropped.
    let dropped = tokio::spawn({
        let slots = Arc::clone(&slots);
        async move { slots.acquire(client(3)).await.is_some() }
    });
    settle().await;
    dropped.abort();
    assert!(dropped.await.is_err(), "aborted");
    let waiter = tokio::spawn({
        let slots = Arc::clone(&slots);
        async move { slots.acquire(client(4)).await.is_some() }
    });
    settle().await;
    drop(held);
    assert!(
        waiter.await.expect("no panic"),
        "the freed place went to the live waiter, not the dropped one"
    );
}

#[tokio::test]
async fn a_place_granted_to_a_request_dropped_at_that_moment_is_not_lost() {
    let slots = Arc::new(CheckSlots::new(1, 4, LONG));
    let held = slots.acquire(client(1)).await.expect("free");
    let abandoned = tokio::spawn({
        let slots = Arc::clone(&slots);
        async move { slots.acquire(client(2)).await.is_some() }
    });
    settle().await;
    // The place is handed to the waiter, which is aborted before it runs again to take it.
    drop(held);
    abandoned.abort();
    let _ = abandoned.await;
    let again = tokio::time::timeout(Duration::from_secs(5), slots.acquire(client(3)))
        .await
        .expect("not stuck");
    assert!(again.is_some(), "the place came back");
}

#[tokio::test]
async fn no_wait_refuses_at_once() {
    let slots = CheckSlots::new(1, 4, Duration::ZERO);
    let _held = slots.acquire(client(1)).await.expect("free");
    assert!(slots.acquire(client(2)).await.is_none());
}

#[test]
fn ipv6_clients_are_counted_by_their_64() {
    let a: IpAddr = "2001:db8:1:2::1".parse().expect("v6");
    let b: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("v6");
    let c: IpAddr = "2001:db8:1:3::1".parse().expect("v6");
    assert_eq!(ClientKey::from(a), ClientKey::from(b));
    assert_ne!(ClientKey::from(a), ClientKey::from(c));
    let mapped: IpAddr = "::ffff:198.51.100.1".parse().expect("mapped");
    assert_eq!(ClientKey::from(mapped), client(1));
}
