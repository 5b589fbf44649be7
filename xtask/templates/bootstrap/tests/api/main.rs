//! Black-box tests: the real application, bound to port 0 on its own fresh database, driven over HTTP
//! the way a client would drive it, with the auth service stood in for by a stub on loopback.

mod helpers;
mod http_rules;
mod input;
mod owners;
mod rows;
mod sessions;
