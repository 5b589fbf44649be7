//! Every file of a generated service, in memory: the rendered templates, the shared files copied from
//! this repository, and the files derived from this repository's own (the workspace manifest, the lock
//! file, the tail of the SDL).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::args::NewService;
use crate::context::{self, Context};
use crate::plumbing::{SHARED, VENDORED, auth_residue};
use crate::render::{self, File};

/// The auth service's dependencies that a generated service does not have, with the comment lines
/// above each in the workspace manifest.
const AUTH_ONLY_DEPENDENCIES: &[&str] = &[
    "bcrypt",
    "jsonwebtoken",
    "getrandom",
    "base64",
    "criterion",
    "minijinja",
];

/// Packages with a `[profile.dev.package.NAME]` section that a generated service would not build: auth's
/// hashing. Cargo warns about a profile for a package that is not in the graph.
const AUTH_ONLY_PROFILES: &[&str] = &["bcrypt", "blowfish"];

/// # Errors
/// A file of this repository that cannot be read, or a template that cannot be rendered.
pub fn generate(root: &Path, spec: &NewService) -> Result<Vec<File>, String> {
    let read = |relative: &str| {
        std::fs::read_to_string(root.join(relative)).map_err(|e| format!("{relative}: {e}"))
    };
    let mut context = context::build(spec, &context::today());
    context.sdl_directives = sdl_directives(&read("schema.graphql")?)?;
    context.rust_version = rust_version(&read("Cargo.toml")?)?;
    let mut files = render::render_all(&root.join("xtask/templates"), &context)?;
    for path in SHARED.iter().chain(VENDORED) {
        files.push(File {
            path: PathBuf::from(path),
            contents: read(path)?,
            executable: render::is_executable(Path::new(path)),
        });
    }
    files.push(File {
        path: PathBuf::from("Cargo.toml"),
        contents: workspace_manifest(&read("Cargo.toml")?, &context)?,
        executable: false,
    });
    // Pruned to the service's own dependencies once written (see `output::prune_lock`).
    files.push(File {
        path: PathBuf::from("Cargo.lock"),
        contents: read("Cargo.lock")?,
        executable: false,
    });
    let residue: Vec<String> = files
        .iter()
        .filter(|file| holds_code(&file.path))
        .flat_map(|file| {
            auth_residue(&file.contents)
                .into_iter()
                .map(move |found| format!("{}: {found}", file.path.display()))
        })
        .collect();
    if !residue.is_empty() {
        return Err(format!(
            "the generated service would keep words of the auth service's own (a template or shared \
             file is wrong): {}",
            residue.join("; ")
        ));
    }
    let mut seen = BTreeSet::new();
    for file in &files {
        if !seen.insert(&file.path) {
            return Err(format!(
                "{} is both a template and a shared file",
                file.path.display()
            ));
        }
    }
    Ok(files)
}

/// The files that must hold nothing of auth's: its code, manifests, SQL, schema and image. The compose
/// file and the README name the auth service on purpose.
fn holds_code(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str());
    matches!(extension, Some("rs" | "toml" | "sql" | "graphql")) || path == Path::new("Dockerfile")
}

/// This repository's workspace manifest with the service's members and package names, less the
/// dependencies only auth has. Every version, feature, lint and profile is taken as it is, so a
/// generated service starts on exactly the stack this template is tested with.
///
/// # Errors
/// When the manifest no longer has the shape this expects.
pub fn workspace_manifest(auth: &str, context: &Context) -> Result<String, String> {
    let members = "members = [\"domain\", \"application\", \"adapters\", \"bootstrap\"]";
    let mut lines: Vec<String> = Vec::new();
    let mut replaced_members = false;
    let mut in_dropped_section = false;
    for line in auth.lines() {
        if line.starts_with('[') {
            in_dropped_section = line
                .strip_prefix("[profile.dev.package.")
                .and_then(|rest| rest.strip_suffix(']'))
                .is_some_and(|name| AUTH_ONLY_PROFILES.contains(&name));
            if in_dropped_section {
                drop_trailing_comments(&mut lines);
                continue;
            }
        }
        if in_dropped_section {
            continue;
        }
        if line.starts_with("members = ") {
            lines.push(members.to_owned());
            replaced_members = true;
            continue;
        }
        let name = line.split([' ', '=']).next().unwrap_or_default();
        if AUTH_ONLY_DEPENDENCIES.contains(&name) {
            drop_trailing_comments(&mut lines);
            continue;
        }
        lines.push(line.replace("\"jobber-auth-", &format!("\"{}-", context.package)));
    }
    if !replaced_members {
        return Err("Cargo.toml has no `members = [...]` line".to_owned());
    }
    // A dropped last section leaves the blank line that ended the one before it.
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut manifest = lines.join("\n");
    manifest.push('\n');
    Ok(manifest)
}

/// A dropped dependency or section takes the comment above it along.
fn drop_trailing_comments(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| l.starts_with('#')) {
        lines.pop();
    }
}

/// The `rust-version` the workspace manifest promises.
///
/// # Errors
/// When the manifest has none.
pub fn rust_version(manifest: &str) -> Result<String, String> {
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = "))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .ok_or_else(|| "Cargo.toml has no rust-version".to_owned())
}

/// The directives async-graphql appends to the SDL it prints, from this repository's committed
/// `schema.graphql`: the same version of async-graphql prints the same ones for every service, but
/// `@deprecated` only where something is deprecated, which nothing in a generated schema is.
///
/// # Errors
/// When `schema.graphql` has no directives, which would mean it is not an SDL async-graphql printed.
pub fn sdl_directives(sdl: &str) -> Result<String, String> {
    let tail = printed_directives(sdl)?;
    let mut kept = String::new();
    let mut block = String::new();
    for line in tail.split_inclusive('\n') {
        block.push_str(line);
        // A directive's block is its description and its one `directive` line; the schema block ends
        // the tail.
        if line.starts_with("directive @") || line.starts_with('}') {
            if !line.starts_with("directive @deprecated") {
                kept.push_str(&block);
            }
            block.clear();
        }
    }
    kept.push_str(&block);
    Ok(kept)
}

/// Everything after the last type definition of an SDL async-graphql printed.
fn printed_directives(sdl: &str) -> Result<String, String> {
    let first = sdl
        .find("\ndirective @")
        .ok_or("schema.graphql has no directive definitions")?;
    // Type definitions end with a blank line; the directives, with their descriptions, follow the last.
    let start = sdl[..first]
        .rfind("}\n\n")
        .map(|end| end + 3)
        .ok_or("schema.graphql has no type definition before its directives")?;
    Ok(sdl[start..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Parsed, parse};
    use crate::repo_root;

    fn spec(line: &str) -> NewService {
        let cwd = tempfile::tempdir().expect("tempdir");
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        match parse(&args, cwd.path()).expect("valid") {
            Parsed::Generate(spec) => spec,
            Parsed::Help => panic!("not help"),
        }
    }

    #[test]
    fn the_workspace_manifest_keeps_every_version_and_drops_what_only_auth_uses() {
        let root = repo_root();
        let auth = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
        let context = context::build(&spec("job-runner --entity JobRun"), "20260101");
        let manifest = workspace_manifest(&auth, &context).expect("derived");
        assert!(
            manifest.contains("package = \"jobber-job-runner-domain\""),
            "{manifest}"
        );
        assert!(
            manifest.contains(r#"members = ["domain", "application", "adapters", "bootstrap"]"#)
        );
        for dependency in AUTH_ONLY_DEPENDENCIES {
            assert!(
                !manifest
                    .lines()
                    .any(|l| l.starts_with(&format!("{dependency} ="))),
                "{dependency} stays in:\n{manifest}"
            );
        }
        let sqlx = |m: &str| {
            m.lines()
                .find(|l| l.starts_with("sqlx ="))
                .map(str::to_owned)
        };
        assert_eq!(
            sqlx(&manifest),
            sqlx(&auth),
            "versions and features are auth's own"
        );
        assert!(
            manifest.contains(
                "[profile.dev.package.libsqlite3-sys]\nopt-level = 2\n\n[profile.release]"
            ),
            "the shared profile stays, and the hashing ones go with their blank lines:\n{manifest}"
        );
        assert!(!manifest.contains("blowfish"), "{manifest}");
        assert!(
            crate::plumbing::auth_residue(&manifest).is_empty(),
            "{:?}",
            crate::plumbing::auth_residue(&manifest)
        );
    }

    #[test]
    fn every_kind_of_field_list_renders_without_auth_residue() {
        let root = repo_root();
        for line in [
            "scheduler --entity Job",
            "counter --entity Tick --field count:int? --field seen:bool?",
            "calendar --entity Entry --field starts_at:timestamp",
            "a --entity Batch --plural BatchList --field x_1:bool --field label:string?",
            "job-runner --entity JobRun --field a:string --field b:string? --field c:int --field d:int? \
             --field e:bool --field f:bool? --field g:timestamp --field h:timestamp?",
        ] {
            let files = generate(&root, &spec(line)).unwrap_or_else(|e| panic!("{line}: {e}"));
            let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
            for expected in [
                "Cargo.toml",
                "Cargo.lock",
                "README.md",
                ".env.example",
                "schema.graphql",
                ".ci/run",
                "Dockerfile",
                "docker-compose.yml",
                ".github/workflows/ci.yml",
                "scripts/test",
            ] {
                assert!(paths.iter().any(|p| p == expected), "{line}: no {expected}");
            }
            assert!(
                paths.iter().all(|p| !p.contains("__")),
                "{line}: a placeholder is left in a path: {paths:?}"
            );
        }
    }

    #[test]
    fn the_directives_are_the_tail_of_the_committed_sdl() {
        let root = repo_root();
        let sdl = std::fs::read_to_string(root.join("schema.graphql")).expect("schema.graphql");
        let tail = sdl_directives(&sdl).expect("directives");
        assert!(tail.starts_with("\"\"\"\n"), "{tail}");
        assert!(tail.contains("directive @include"), "{tail}");
        assert!(
            !tail.contains("@deprecated"),
            "nothing generated is deprecated: {tail}"
        );
        assert!(
            tail.trim_end().ends_with('}'),
            "ends with the schema block: {tail}"
        );
        assert!(!tail.contains("type User"), "{tail}");
    }
}
