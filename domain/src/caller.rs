//! Who is calling: an account of the job engine's auth service, as a session token proved it.

use crate::Id;

/// The account a request's session belongs to. Only a caller-identity port makes one from a token; a
/// use case that takes a `&Caller` therefore runs for someone the auth service vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Caller {
    pub id: CallerId,
}

/// The id of an auth-service account, which is what every job-engine service records as an owner.
pub type CallerId = Id<Caller>;
