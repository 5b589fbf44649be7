//! `schema.graphql` at the repository root is the committed contract; this fails when the code drifts.
//! Regenerate with `cargo run -q -- print-schema > schema.graphql` and review the diff.

#[test]
fn the_committed_sdl_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
            .expect("schema.graphql exists at the repository root");
    let generated = adapters::schema::sdl();
    assert_eq!(
        committed.trim_end(),
        generated.trim_end(),
        "schema.graphql is stale: run `cargo run -q -- print-schema > schema.graphql`"
    );
}

#[test]
fn the_schema_never_exposes_passwords_or_hashes_on_user() {
    let sdl = adapters::schema::sdl();
    let user_type = sdl
        .split("type User {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("User type");
    assert!(
        !user_type.to_lowercase().contains("password"),
        "{user_type}"
    );
    assert!(!user_type.to_lowercase().contains("hash"), "{user_type}");
}
