//! The reliability suite: the real `auth` binary over loopback against a PostgreSQL cluster of the
//! suite's own, which the tests stop hard, freeze, cut off and restart. See RELIABILITY.md for what each
//! test injects and asserts; run it with `scripts/test -p jobber-auth --test reliability`.

mod binary;
mod cluster;
mod faults;
mod invariants;
mod lifecycle;
mod replicas;
mod revocation;
