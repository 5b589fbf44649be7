//! CPU cost of the domain's input rules: `Email::parse` and `Password::parse`.
//!
//! Both run on every sign-up, login and lookup by email, before any I/O, so a regression here (an extra
//! allocation, a quadratic scan over UTF-16 units) adds to every request. Measuring them alone, with no
//! database or runtime, makes such a regression visible instead of lost in I/O noise.
//!
//! Each input is checked once before measuring, so a rule change that flips an input from accepted to
//! refused (or fails at another rule) stops the benchmark rather than quietly timing a different path.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use domain::{Email, EmailError, MAX_PASSWORD_BYTES, Password, PasswordRule, PasswordRules};

fn email(c: &mut Criterion) {
    // Exactly at every limit: 64-byte local part, 63-unit labels and 254 units in all, so each length
    // check and each per-label scan does its maximum work.
    let at_limits = format!(
        "{}@{}.{}.{}.com",
        "a".repeat(64),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(57)
    );
    assert_eq!(at_limits.encode_utf16().count(), 254);
    let cases: [(&str, &str, Result<(), EmailError>); 4] = [
        ("plain", "alice@example.com", Ok(())),
        ("at_limits", &at_limits, Ok(())),
        // Non-ASCII takes the UTF-16 range checks and Unicode lower-casing, not the ASCII fast paths.
        ("utf8_local", "José.Müller@Bücher.example", Ok(())),
        // The local part is checked after the whole domain, and the bad atom is the last one, so this
        // is the most work a refused address can cost.
        (
            "invalid_late",
            "firstname.lastname+newsletter.2024,@mail.example.co.uk",
            Err(EmailError::InvalidLocalPart),
        ),
    ];

    let mut group = c.benchmark_group("email_parse");
    for (name, input, expected) in cases {
        assert_eq!(Email::parse(input).map(|_| ()), expected, "{name}: {input}");
        // Bytes per second makes inputs of different lengths comparable.
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), input, |b, input| {
            b.iter(|| Email::parse(black_box(input)));
        });
    }
    group.finish();
}

fn password(c: &mut Criterion) {
    // The longest password bcrypt hashes whole, with the upper-case letter, digit and symbol last: each
    // class check stops at its first match, so this makes them scan the whole input, and the symbol check
    // (a search of the symbol list per character) is the costly one. Still accepted.
    let longest = format!("{}A1!", "x".repeat(MAX_PASSWORD_BYTES - 3));
    assert_eq!(longest.len(), MAX_PASSWORD_BYTES);
    let cases: [(&str, &str, Vec<PasswordRule>); 3] = [
        ("strong", "MyPassword1!", vec![]),
        // Refusals build the list of every broken rule, an allocation the accepted path does not make.
        (
            "weak",
            "abc",
            vec![
                PasswordRule::MinLength,
                PasswordRule::MinUppercase,
                PasswordRule::MinNumbers,
                PasswordRule::MinSymbols,
            ],
        ),
        ("max_bytes", &longest, vec![]),
    ];

    let mut group = c.benchmark_group("password_parse");
    for (name, input, broken) in cases {
        let expected = if broken.is_empty() {
            Ok(())
        } else {
            Err(PasswordRules(broken))
        };
        assert_eq!(Password::parse(input).map(|_| ()), expected, "{name}");
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), input, |b, input| {
            b.iter(|| Password::parse(black_box(input)));
        });
    }
    group.finish();
}

criterion_group!(benches, email, password);
criterion_main!(benches);
