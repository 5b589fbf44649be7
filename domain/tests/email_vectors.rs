//! The email rule against vectors produced by class-validator's own `isEmail` (see `vectors/`).

use domain::Email;

#[derive(serde::Deserialize)]
struct Vectors {
    generator: String,
    vectors: Vec<Vector>,
}

#[derive(serde::Deserialize)]
struct Vector {
    input: String,
    valid: bool,
}

#[test]
fn matches_class_validator_on_every_vector() {
    let file: Vectors =
        serde_json::from_str(include_str!("vectors/is_email.json")).expect("vector file parses");
    assert!(
        file.vectors.len() > 1000,
        "too few vectors to mean anything"
    );
    assert!(
        file.vectors.iter().filter(|v| v.valid).count() > 100,
        "too few valid vectors"
    );
    let mismatches: Vec<String> = file
        .vectors
        .iter()
        .filter(|v| Email::parse(&v.input).is_ok() != v.valid)
        .map(|v| format!("{:?}: {} expected {}", v.input, file.generator, v.valid))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
