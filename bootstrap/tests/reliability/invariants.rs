//! What must hold in the store after any fault: checked at the end of every reliability test.

use crate::cluster::Cluster;

/// No two users share an email in any case; `created_at ≤ updated_at`; every stored hash verifies
/// `password`, the one every user of these tests last set; no failed-attempt record without its user.
pub async fn assert_invariants(cluster: &Cluster, password: &str) {
    let db = sqlx::PgPool::connect(&cluster.url())
        .await
        .expect("the database is up for the check");
    let duplicates: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT lower(email) FROM users GROUP BY 1 HAVING count(*) > 1) d",
    )
    .fetch_one(&db)
    .await
    .expect("duplicates");
    assert_eq!(duplicates, 0, "an email is stored twice");
    let backwards: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE created_at > updated_at")
            .fetch_one(&db)
            .await
            .expect("timestamps");
    assert_eq!(backwards, 0, "a user was updated before it was created");
    let orphans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM login_attempts a LEFT JOIN users u ON u.id = a.user_id WHERE u.id IS NULL",
    )
    .fetch_one(&db)
    .await
    .expect("orphans");
    assert_eq!(orphans, 0);
    let hashes: Vec<(String, String)> = sqlx::query_as("SELECT email, password_hash FROM users")
        .fetch_all(&db)
        .await
        .expect("hashes");
    for (email, hash) in hashes {
        assert!(
            bcrypt::verify(password, &hash).unwrap_or(false),
            "{email}'s stored hash does not verify the password it last set"
        );
    }
    db.close().await;
}
