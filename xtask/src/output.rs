//! Writing the generated service: all of it or none of it, then formatted and with its lock file cut
//! down to its own dependencies.

use std::path::Path;
use std::process::Command;

use crate::render::File;

/// Writes every file under `out`, which must be new or empty. If any write fails, what was written is
/// removed again.
///
/// # Errors
/// The first write that failed.
pub fn write_all(out: &Path, files: &[File]) -> Result<(), String> {
    let existed = out.exists();
    let outcome = files.iter().try_for_each(|file| write_one(out, file));
    if outcome.is_err() {
        remove(out, existed, files);
    }
    outcome
}

fn write_one(out: &Path, file: &File) -> Result<(), String> {
    let path = out.join(&file.path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    if file.executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Takes the output away again: the whole directory if this run made it, else just what it wrote.
pub fn remove(out: &Path, existed: bool, files: &[File]) {
    if existed {
        for file in files {
            let _ = std::fs::remove_file(out.join(&file.path));
        }
    } else {
        let _ = std::fs::remove_dir_all(out);
    }
}

/// Formats the generated Rust with rustfmt, as `cargo fmt` would: the templates' output is code of
/// any field list, and only rustfmt lays every one of them out the way `cargo fmt --check` expects.
///
/// # Errors
/// When rustfmt is installed but fails, which means a template wrote code that does not parse.
pub fn format_rust(out: &Path, files: &[File]) -> Result<bool, String> {
    let rust: Vec<_> = files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .map(|f| out.join(&f.path))
        .collect();
    let mut rustfmt = Command::new(std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into()));
    rustfmt.args(["--edition", "2024"]).args(&rust);
    match rustfmt.output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("rustfmt could not run: {e}")),
        Ok(output) if output.status.success() => Ok(true),
        Ok(output) => Err(format!(
            "rustfmt refused the generated code (a template is broken):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

/// Lets cargo cut the copied lock file down to the packages this workspace uses, at the versions this
/// template locks, so that `--locked` builds work. Offline: every package is one this repository
/// already resolved.
///
/// # Errors
/// When cargo cannot resolve the workspace from the lock file alone.
pub fn prune_lock(out: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        // Resolving is all `tree` needs to do here; unlike `metadata`, it downloads nothing, not even
        // the crates of other platforms.
        .args(["tree", "--offline", "--quiet", "--depth", "0"])
        .current_dir(out)
        .output()
        .map_err(|e| format!("cargo could not run: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo could not resolve the generated workspace from this repository's Cargo.lock:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
