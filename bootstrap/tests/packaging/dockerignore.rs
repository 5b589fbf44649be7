//! .dockerignore: the build context keeps everything the build reads.

use crate::support::{DOCKERIGNORE, read, root};

#[test]
fn dockerignore_keeps_everything_the_build_reads() {
    let patterns = dockerignore();
    let needed = [
        "Cargo.toml",
        "Cargo.lock",
        "domain/src/lib.rs",
        "application/src/lib.rs",
        "adapters/src/lib.rs",
        "bootstrap/src/main.rs",
        "migrations/postgres",
        "migrations/sqlite",
    ];
    for path in needed {
        assert!(
            root().join(path).exists(),
            "{path} is expected by this test but is missing from the repo; update the list"
        );
        assert!(
            !is_ignored(&patterns, path),
            "{DOCKERIGNORE}: `{path}` is excluded from the build context, but the build needs it \
             (migrations are embedded into the binary by sqlx::migrate!)"
        );
    }
}

fn dockerignore() -> Vec<(bool, String)> {
    read(DOCKERIGNORE)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.strip_prefix('!') {
            Some(kept) => (false, kept.to_owned()),
            None => (true, l.to_owned()),
        })
        .collect()
}

/// Docker's rule: the last pattern matching the path or one of its parent directories decides.
fn is_ignored(patterns: &[(bool, String)], path: &str) -> bool {
    let components: Vec<&str> = path.split('/').collect();
    let mut ignored = false;
    for (excludes, pattern) in patterns {
        let pattern: Vec<&str> = pattern
            .trim_start_matches("./")
            .trim_matches('/')
            .split('/')
            .collect();
        let hit = (1..=components.len()).any(|n| glob_path(&pattern, &components[..n]));
        if hit {
            ignored = *excludes;
        }
    }
    ignored
}

fn glob_path(pattern: &[&str], path: &[&str]) -> bool {
    match (pattern.split_first(), path.split_first()) {
        (None, None) => true,
        (Some((&"**", rest)), _) => {
            glob_path(rest, path) || (!path.is_empty() && glob_path(pattern, &path[1..]))
        }
        (Some((p, prest)), Some((c, crest))) => glob_component(p, c) && glob_path(prest, crest),
        _ => false,
    }
}

fn glob_component(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    glob_chars(&pattern, &text)
}

fn glob_chars(pattern: &[char], text: &[char]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, None) => true,
        (Some(('*', rest)), _) => {
            glob_chars(rest, text) || (!text.is_empty() && glob_chars(pattern, &text[1..]))
        }
        (Some(('?', prest)), Some((_, trest))) => glob_chars(prest, trest),
        (Some((p, prest)), Some((t, trest))) => p == t && glob_chars(prest, trest),
        _ => false,
    }
}
