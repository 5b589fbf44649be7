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
fn every_field_is_camel_case_in_the_type_and_both_inputs() {
    let sdl = adapters::schema::sdl();
    for block in ["type {{ entity.pascal }} {", "input Create{{ entity.pascal }}Input {", "input Update{{ entity.pascal }}Input {"] {
        let body = sdl
            .split(block)
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .unwrap_or_else(|| panic!("{block} is in the SDL"));
{% for f in fields %}
        assert!(body.contains("\t{{ f.camel }}: "), "{block} has {{ f.camel }}: {body}");
{% endfor %}
        assert!(!body.contains('_'), "no snake_case in {block}: {body}");
    }
}
