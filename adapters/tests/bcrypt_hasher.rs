//! The bcrypt adapter against the real bcrypt crate and hashes made by other implementations.

use adapters::users::bcrypt::BcryptHasher;
use application::users::ports::{HashError, PasswordHasher};
use domain::{Password, PasswordHash};

fn password(s: &str) -> Password {
    Password::parse(s).expect("strong")
}

fn hasher(cost: u32) -> BcryptHasher {
    BcryptHasher::try_new(cost, 0).expect("valid cost")
}

#[tokio::test]
async fn a_hash_verifies_its_password_and_no_other() {
    let h = hasher(4);
    let hash = h.hash(&password("MyPassword1!")).await.expect("hashes");
    assert!(
        hash.expose().starts_with("$2b$04$"),
        "configured cost is used"
    );
    assert!(
        h.verify(&password("MyPassword1!"), &hash)
            .await
            .expect("verifies")
    );
    assert!(
        !h.verify(&password("MyPassword2!"), &hash)
            .await
            .expect("verifies")
    );
}

#[tokio::test]
async fn hashes_made_elsewhere_verify_whatever_their_cost_or_prefix() {
    let h = hasher(12);
    // bcryptjs 2.4 (`$2a$`) and 3.x (`$2b$`) at cost 10, as in the NestJS database, and PHP's `$2y$`.
    let foreign = [
        "$2a$10$lpdNLvkBJ4MJQdP9G74pq.UpT/Ua/9R.q/o7fJE91q2F.kUZpI6F6",
        "$2b$10$o1kWf/OjfFAMf6EMuibozu94gJYR1Ja6Xdtkw25VSGkYkhUr9IU5a",
        "$2y$10$o1kWf/OjfFAMf6EMuibozu94gJYR1Ja6Xdtkw25VSGkYkhUr9IU5a",
    ];
    for hash in foreign {
        let hash = PasswordHash::new(hash.to_owned());
        assert!(
            h.verify(&password("MyPassword1!"), &hash)
                .await
                .expect("verifies"),
            "{hash:?}"
        );
        assert!(
            !h.verify(&password("MyPassword2!"), &hash)
                .await
                .expect("verifies"),
            "{hash:?}"
        );
    }
}

#[tokio::test]
async fn the_longest_policy_password_is_hashed_whole() {
    let h = hasher(4);
    let longest = format!("Aa1!{}", "x".repeat(domain::MAX_PASSWORD_BYTES - 4));
    let hash = h
        .hash(&password(&longest))
        .await
        .expect("71 bytes hash without truncation");
    let one_byte_different = format!("Aa1!{}y", "x".repeat(domain::MAX_PASSWORD_BYTES - 5));
    assert!(
        !h.verify(&password(&one_byte_different), &hash)
            .await
            .expect("verifies"),
        "the last byte counts"
    );
    assert!(
        bcrypt::non_truncating_hash("x".repeat(domain::MAX_PASSWORD_BYTES + 1), 4).is_err(),
        "the domain limit must stay in step with the bcrypt crate's: it refuses one byte more"
    );
}

#[tokio::test]
async fn a_malformed_stored_hash_is_an_error_not_a_mismatch() {
    let err = hasher(4)
        .verify(
            &password("MyPassword1!"),
            &PasswordHash::new("not-a-hash".to_owned()),
        )
        .await
        .expect_err("malformed");
    assert!(matches!(err, HashError::MalformedHash(_)), "{err:?}");
}

#[test]
fn costs_outside_bcrypts_range_are_refused() {
    assert!(BcryptHasher::try_new(3, 0).is_err());
    assert!(BcryptHasher::try_new(32, 0).is_err());
    assert_eq!(BcryptHasher::try_new(10, 0).expect("valid").cost(), 10);
}

#[tokio::test]
async fn a_refusal_waits_about_as_long_as_a_verify_without_hashing() {
    let hasher = hasher(8);
    assert_eq!(
        hasher.recent_verify_time(),
        std::time::Duration::ZERO,
        "nothing measured yet, so nothing to wait for"
    );

    let hash = hasher
        .hash(&password("MyPassword1!"))
        .await
        .expect("hashed");
    assert!(
        !hasher
            .verify(&password("Wrong-Pass1!"), &hash)
            .await
            .expect("verified")
    );
    let recent = hasher.recent_verify_time();
    assert!(recent > std::time::Duration::ZERO, "verify time is tracked");

    let started = std::time::Instant::now();
    hasher.wait_as_long_as_verify().await;
    // A sleep never ends early, so this cannot pass by luck.
    let waited = started.elapsed();
    assert!(
        waited >= recent,
        "waited {waited:?}, verify took {recent:?}"
    );
}

#[tokio::test]
async fn only_a_hash_of_another_cost_needs_rehashing() {
    let h = hasher(5);
    let own = h.hash(&password("MyPassword1!")).await.expect("hashes");
    let cheaper = hasher(4)
        .hash(&password("MyPassword1!"))
        .await
        .expect("hashes");
    assert!(!h.needs_rehash(&own), "its own cost");
    assert!(
        h.needs_rehash(&cheaper),
        "a cost-4 hash under a cost-5 setting"
    );
    let bcryptjs = PasswordHash::new(
        "$2a$10$lpdNLvkBJ4MJQdP9G74pq.UpT/Ua/9R.q/o7fJE91q2F.kUZpI6F6".to_owned(),
    );
    assert!(
        hasher(12).needs_rehash(&bcryptjs),
        "the course's cost-10 hashes"
    );
    assert!(!hasher(10).needs_rehash(&bcryptjs));
    for unreadable in ["", "plain", "$2b$", "$2b$xx$abc"] {
        assert!(
            !h.needs_rehash(&PasswordHash::new(unreadable.to_owned())),
            "{unreadable:?} is left to verify"
        );
    }
}
