use proptest::prelude::*;

use super::*;

fn rules(candidate: &str) -> Vec<PasswordRule> {
    match Password::parse(candidate) {
        Ok(_) => vec![],
        Err(PasswordRules(rules)) => rules,
    }
}

#[test]
fn the_seed_passwords_are_strong() {
    for ok in [
        "MyPassword1!",
        "MyPassword2!",
        "Aa1!aaaa",
        "Aa1 aaaa",
        "Aa1£aaaa",
        "Aa1\\aaaa",
    ] {
        assert_eq!(rules(ok), vec![], "{ok:?}");
    }
}

#[test]
fn an_empty_password_breaks_every_composition_rule_at_once() {
    use PasswordRule::*;
    assert_eq!(
        rules(""),
        vec![
            MinLength,
            MinLowercase,
            MinUppercase,
            MinNumbers,
            MinSymbols
        ]
    );
}

#[test]
fn each_rule_is_reported_on_its_own() {
    use PasswordRule::*;
    assert_eq!(rules("Aa1!aaa"), vec![MinLength]);
    assert_eq!(rules("AA1!AAAA"), vec![MinLowercase]);
    assert_eq!(rules("aa1!aaaa"), vec![MinUppercase]);
    assert_eq!(rules("Aaa!aaaa"), vec![MinNumbers]);
    assert_eq!(rules("Aa1aaaaa"), vec![MinSymbols]);
    assert_eq!(rules("Aa1!aaa\0"), vec![NoNul]);
}

#[test]
fn length_counts_utf16_units_like_javascript() {
    // Seven code points, but the emoji is two UTF-16 units, so JavaScript's length is 8.
    assert_eq!(rules("Aa1!aa😀"), vec![]);
    // Non-ASCII letters count toward length only, never as lower or upper case.
    assert_eq!(
        rules("ÄÖÜ1!äöü"),
        vec![PasswordRule::MinLowercase, PasswordRule::MinUppercase]
    );
}

#[test]
fn the_byte_limit_is_exactly_what_bcrypt_hashes_whole() {
    let at_limit = format!("Aa1!{}", "a".repeat(MAX_PASSWORD_BYTES - 4));
    assert_eq!(at_limit.len(), 71);
    assert_eq!(rules(&at_limit), vec![]);
    assert_eq!(rules(&format!("{at_limit}a")), vec![PasswordRule::MaxBytes]);
    // Bytes, not characters: 36 two-byte letters are 72 bytes.
    assert_eq!(
        rules(&format!("Aa1!{}", "é".repeat(34))),
        vec![PasswordRule::MaxBytes]
    );
}

#[test]
fn the_limit_message_states_the_limit_in_bytes() {
    assert!(PasswordRule::MaxBytes.message().contains("71 bytes"));
}

#[test]
fn debug_output_never_shows_the_secret() {
    let password = Password::parse("MyPassword1!").expect("strong");
    assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    let hash = PasswordHash::new("$2b$04$abcdefghijklmnopqrstuu".to_owned());
    assert!(!format!("{hash:?}").contains("$2b$"));
}

proptest! {
    #[test]
    fn a_password_is_accepted_exactly_when_no_rule_is_broken(candidate in ".{0,40}") {
        let utf16 = candidate.encode_utf16().count();
        let expected_ok = utf16 >= 8
            && candidate.chars().any(|c| c.is_ascii_lowercase())
            && candidate.chars().any(|c| c.is_ascii_uppercase())
            && candidate.chars().any(|c| c.is_ascii_digit())
            && candidate.chars().any(|c| SYMBOLS.contains(c))
            && candidate.len() <= MAX_PASSWORD_BYTES
            && !candidate.contains('\0');
        prop_assert_eq!(Password::parse(&candidate).is_ok(), expected_ok);
    }

    #[test]
    fn appending_characters_never_fixes_a_byte_limit_violation(
        base in "[A-Za-z0-9!]{72,90}", extra in ".{0,5}"
    ) {
        let candidate = format!("{base}{extra}");
        prop_assert!(rules(&candidate).contains(&PasswordRule::MaxBytes));
    }
}
