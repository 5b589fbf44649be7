//! Black-box tests: the real application, bound to port 0 on its own fresh PostgreSQL database, driven
//! over HTTP the way a client of the NestJS service would drive it.

mod auth;
mod client_limits;
mod concurrency;
mod errors;
mod graphiql_browser;
mod helpers;
mod hostile_input;
mod http_rules;
mod lifecycle;
mod migrations_by_others;
mod overload;
mod rehash;
mod revocation_race;
mod slow_clients;
mod users_http;
