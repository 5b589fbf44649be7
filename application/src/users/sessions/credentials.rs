use domain::{Email, Password, ValidationErrors};

use super::LoginError;

/// `login`'s input once the checks that need neither the store nor bcrypt have passed. The use case
/// runs them first; a caller that rations the expensive part (the GraphQL adapter's in-flight limit)
/// runs them before taking a share, so that bad input is named as such even under overload.
pub struct Credentials {
    pub(super) email: Email,
    pub(super) password: Password,
}

impl Credentials {
    pub fn parse(email: &str, password: &str) -> Result<Self, LoginError> {
        let email = Email::parse(email).map_err(|e| {
            LoginError::InvalidInput(ValidationErrors::single("email", vec![e.violation()]))
        })?;
        // No stored hash was made from a password the policy refuses, so none can match: refused at
        // once, the same for every email, and without telling which rule it broke.
        let Ok(password) = Password::parse(password) else {
            return Err(LoginError::InvalidCredentials);
        };
        Ok(Self { email, password })
    }
}
