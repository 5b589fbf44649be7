//! The reliability suite: the real application over loopback against a PostgreSQL cluster of the
//! suite's own, which the tests stop hard, cut off and restart. See RELIABILITY.md for what each test
//! injects and asserts; run it with `scripts/test -p jobber-auth --test reliability`.

mod cluster;
mod faults;
#[allow(
    dead_code,
    unused_imports,
    unused_macros,
    reason = "shared with the black-box suite, which uses the rest of it"
)]
#[path = "../api/helpers.rs"]
mod helpers;
mod invariants;
mod lifecycle;
