use super::*;

fn id(n: i64) -> UserId {
    UserId::try_new(n).expect("id")
}

fn ticket(cache: &VersionCache, user: UserId) -> u64 {
    match cache.lookup(user) {
        Lookup::Miss(Some(ticket)) => ticket,
        other => panic!("expected a fillable miss, got {other:?}"),
    }
}

#[test]
fn an_in_process_cache_remembers_until_it_forgets() {
    let cache = VersionCache::in_process();
    let t = ticket(&cache, id(1));
    cache.fill(id(1), 3, t);
    assert_eq!(cache.lookup(id(1)), Lookup::Hit(3));
    cache.forget(id(1));
    assert!(matches!(cache.lookup(id(1)), Lookup::Miss(Some(_))));
}

/// The race the issue names: a lookup read the old version, the change was heard, then the lookup
/// tried to fill. The fill must not land.
#[test]
fn a_lookup_that_began_before_a_change_does_not_fill_after_it() {
    let cache = VersionCache::in_process();
    let stale = ticket(&cache, id(1));
    cache.forget(id(1));
    cache.fill(id(1), 3, stale);
    assert!(matches!(cache.lookup(id(1)), Lookup::Miss(Some(_))));
    // Another user's change stops it too: the epoch is one for all, which costs a miss, never a stale hit.
    let other = ticket(&cache, id(2));
    cache.forget(id(9));
    cache.fill(id(2), 1, other);
    assert!(matches!(cache.lookup(id(2)), Lookup::Miss(Some(_))));
}

#[test]
fn a_fed_cache_is_not_trusted_before_the_feed_is_heard() {
    let cache = VersionCache::fed(Duration::from_secs(60));
    assert_eq!(cache.lookup(id(1)), Lookup::Miss(None));
    assert!(cache.heard(), "trust comes back with the first message");
    let t = ticket(&cache, id(1));
    cache.fill(id(1), 2, t);
    assert_eq!(cache.lookup(id(1)), Lookup::Hit(2));
}

#[test]
fn a_lost_feed_drops_everything_and_trust_returns_empty() {
    let cache = VersionCache::fed(Duration::from_secs(60));
    let _ = cache.heard();
    let t = ticket(&cache, id(1));
    cache.fill(id(1), 2, t);
    let in_flight = ticket(&cache, id(2));
    cache.distrust();
    assert_eq!(cache.lookup(id(1)), Lookup::Miss(None));
    assert!(cache.heard(), "trust comes back after the loss");
    assert!(
        cache.is_empty(),
        "a change may have gone unheard while the feed was lost"
    );
    cache.fill(id(2), 5, in_flight);
    assert!(
        cache.is_empty(),
        "a lookup from before the loss must not fill after it"
    );
}

#[test]
fn a_feed_that_falls_silent_is_not_trusted_after_its_grace() {
    let cache = VersionCache::fed(Duration::from_millis(30));
    let _ = cache.heard();
    let t = ticket(&cache, id(1));
    cache.fill(id(1), 2, t);
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(cache.lookup(id(1)), Lookup::Miss(None));
    assert!(cache.heard(), "trust comes back after the silence");
    assert!(cache.is_empty(), "the silence may have hidden a change");
}

#[test]
fn forgetting_all_empties_it() {
    let cache = VersionCache::in_process();
    for n in 1..=3 {
        let t = ticket(&cache, id(n));
        cache.fill(id(n), n, t);
    }
    cache.forget_all();
    assert!(cache.is_empty());
}

#[test]
fn the_cache_never_grows_past_its_bound() {
    let cache = VersionCache::in_process();
    for n in 1..=i64::try_from(MAX_ENTRIES).expect("fits") + 10 {
        let t = ticket(&cache, id(n));
        cache.fill(id(n), 1, t);
    }
    assert!(cache.len() <= MAX_ENTRIES, "{}", cache.len());
}

#[test]
fn after_a_failed_write_nothing_is_used_or_filled_for_a_while() {
    let cache = VersionCache::in_process();
    let t = ticket(&cache, id(1));
    cache.fill(id(1), 2, t);
    cache.quiet_for(Duration::from_millis(40));
    assert_eq!(cache.lookup(id(1)), Lookup::Miss(None));
    cache.fill(id(1), 2, t);
    assert!(cache.is_empty());
    std::thread::sleep(Duration::from_millis(60));
    let t = ticket(&cache, id(1));
    cache.fill(id(1), 3, t);
    assert_eq!(cache.lookup(id(1)), Lookup::Hit(3));
}
