use proptest::prelude::*;

use super::*;

#[test]
fn addresses_are_trimmed_and_lower_cased() {
    let email = Email::parse("  Alice@Example.COM\n").expect("valid");
    assert_eq!(email.as_str(), "alice@example.com");
    assert_eq!(email, Email::parse("alice@example.com").expect("valid"));
}

#[test]
fn each_failure_names_its_reason() {
    let cases = [
        ("", EmailError::Empty),
        ("   ", EmailError::Empty),
        ("invalid.com", EmailError::MissingAt),
        ("foo@localhost", EmailError::MissingTld),
        ("foo@127.0.0.1", EmailError::MissingTld),
        ("foo@[127.0.0.1]", EmailError::MissingTld),
        ("foo@bar.c", EmailError::MissingTld),
        ("foo@bar.com.", EmailError::MissingTld),
        ("foo@_bar.com", EmailError::InvalidDomainLabel),
        ("foo@-bar.com", EmailError::InvalidDomainLabel),
        ("foo@bar..com", EmailError::InvalidDomainLabel),
        ("multiple..dots@example.com", EmailError::InvalidLocalPart),
        ("Some Name <foo@bar.com>", EmailError::MissingTld),
        ("\"a\"b\"@example.com", EmailError::InvalidQuotedLocalPart),
    ];
    for (input, expected) in cases {
        assert_eq!(Email::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn length_limits_are_checked_in_the_units_validator_js_uses() {
    let at_limit = format!("{}@{}.com", "a".repeat(64), "a".repeat(63));
    assert!(Email::parse(&at_limit).is_ok());
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert_eq!(Email::parse(&long_local), Err(EmailError::LocalPartTooLong));
    // 33 two-byte letters are 66 bytes: too long, although only 33 characters.
    let wide_local = format!("{}@example.com", "é".repeat(33));
    assert_eq!(Email::parse(&wide_local), Err(EmailError::LocalPartTooLong));
    let long_total = format!(
        "{}@{}.{}.{}.{}.com",
        "a".repeat(64),
        "a".repeat(63),
        "a".repeat(63),
        "a".repeat(63),
        "a".repeat(58)
    );
    assert_eq!(Email::parse(&long_total), Err(EmailError::TooLong));
}

#[test]
fn the_rule_name_is_class_validators() {
    assert_eq!(EmailError::MissingAt.violation().rule, "isEmail");
}

proptest! {
    #[test]
    fn normalising_twice_changes_nothing(local in "[a-zA-Z0-9._+-]{1,20}", domain in "[a-zA-Z]{1,10}\\.[a-zA-Z]{2,5}") {
        if let Ok(email) = Email::parse(&format!("{local}@{domain}")) {
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
        }
    }

    #[test]
    fn case_variants_of_one_address_are_one_email(local in "[a-z0-9]{1,20}", domain in "[a-z]{1,10}\\.[a-z]{2,5}", flips in proptest::collection::vec(any::<bool>(), 40)) {
        let lower = format!("{local}@{domain}");
        let mixed: String = lower.chars().zip(flips.iter().cycle()).map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c }).collect();
        prop_assert_eq!(Email::parse(&mixed), Email::parse(&lower));
    }

    #[test]
    fn parsing_never_panics(input in "\\PC{0,300}") {
        let _ = Email::parse(&input);
    }
}
