//! `upsertUser`'s pure half: validating the whole input at once and deciding whether anything changes.
//!
//! Verifying the current password needs a hasher, so the application does that; everything that can be
//! decided without I/O is decided here.

use crate::{Email, Password, ValidationErrors};

/// A fully validated `upsertUser` input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpsertCommand {
    pub email: Email,
    pub password: Password,
    pub new_password: Option<Password>,
}

impl UpsertCommand {
    /// Validates every field and reports every broken rule of every field, like class-validator's
    /// `ValidationPipe` does, instead of stopping at the first.
    pub fn parse(
        email: &str,
        password: &str,
        new_password: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let email = Email::parse(email)
            .map_err(|e| errors.add("email", vec![e.violation()]))
            .ok();
        let password = Password::parse(password)
            .map_err(|e| errors.add("password", e.violations()))
            .ok();
        let new_password = match new_password.map(Password::parse) {
            None => Some(None),
            Some(Ok(p)) => Some(Some(p)),
            Some(Err(e)) => {
                errors.add("newPassword", e.violations());
                None
            }
        };
        match (email, password, new_password) {
            (Some(email), Some(password), Some(new_password)) if errors.is_empty() => Ok(Self {
                email,
                password,
                new_password,
            }),
            _ => Err(errors),
        }
    }

    /// What an existing user's record needs once `password` has been verified as their current one.
    pub fn password_change(&self) -> PasswordChange {
        PasswordChange::detect(&self.password, self.new_password.as_ref())
    }
}

/// The outcome of change detection for an existing user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    /// Nothing to write: `updatedAt` must not move.
    Unchanged,
    /// Hash and store this password.
    To(Password),
}

impl PasswordChange {
    /// `current` is the verified current password. Asking for the same password again is no change,
    /// so a retried request never rewrites the hash or moves `updatedAt`.
    pub fn detect(current: &Password, requested: Option<&Password>) -> Self {
        match requested {
            Some(new) if new != current => Self::To(new.clone()),
            _ => Self::Unchanged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> Password {
        Password::parse(s).expect("strong")
    }

    #[test]
    fn no_new_password_or_the_same_one_is_no_change() {
        assert_eq!(
            PasswordChange::detect(&pw("MyPassword1!"), None),
            PasswordChange::Unchanged
        );
        assert_eq!(
            PasswordChange::detect(&pw("MyPassword1!"), Some(&pw("MyPassword1!"))),
            PasswordChange::Unchanged
        );
    }

    #[test]
    fn a_different_new_password_is_a_change() {
        assert_eq!(
            PasswordChange::detect(&pw("MyPassword1!"), Some(&pw("MyPassword2!"))),
            PasswordChange::To(pw("MyPassword2!"))
        );
    }

    #[test]
    fn every_broken_rule_of_every_field_is_reported() {
        let errors = UpsertCommand::parse("not-an-email", "short", Some("alllowercase"))
            .expect_err("invalid");
        let fields: Vec<(&str, Vec<&str>)> = errors
            .fields()
            .iter()
            .map(|f| (f.field, f.violations.iter().map(|v| v.rule).collect()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("email", vec!["isEmail"]),
                (
                    "password",
                    vec!["minLength", "minUppercase", "minNumbers", "minSymbols"]
                ),
                (
                    "newPassword",
                    vec!["minUppercase", "minNumbers", "minSymbols"]
                ),
            ]
        );
    }

    #[test]
    fn a_valid_input_is_normalised() {
        let command =
            UpsertCommand::parse(" My-Email2@MSN.com ", "MyPassword1!", None).expect("valid");
        assert_eq!(command.email.as_str(), "my-email2@msn.com");
        assert_eq!(command.new_password, None);
        assert_eq!(command.password_change(), PasswordChange::Unchanged);
    }
}
