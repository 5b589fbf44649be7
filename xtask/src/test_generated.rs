//! `cargo xtask test-generated`: what CI proves about the generator. It generates a service with a
//! hyphenated name, a two-word entity and every field type, required and optional; runs that service's
//! own CI (fmt, clippy, packaging lints and its whole test suite on both stores); then builds the real
//! auth binary and the generated one and drives them end to end.
//!
//! One target directory serves both workspaces, so the dependencies they share are built once.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::args::{NewService, Parsed};
use crate::{complain, e2e, repo_root, say};

/// The service CI generates: every field type, required and optional, and field names that would
/// collide with the template's own local names if it ever used them bare.
const SPEC: &str = "job-runner --entity JobRun --field title:string --field note:string? \
    --field attempts:int --field errors:int? --field urgent:bool --field paused:bool? \
    --field due_at:timestamp --field done_at:timestamp?";

pub fn run(args: &[String]) -> ExitCode {
    match test(args) {
        Ok(()) => {
            say(
                "test-generated: the generated service builds, passes its own CI, and works against auth",
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            complain(&format!("test-generated: {message}"));
            ExitCode::FAILURE
        }
    }
}

fn test(args: &[String]) -> Result<(), String> {
    let (keep, skip_ci) = options(args)?;
    let scratch = tempfile::tempdir().map_err(|e| format!("a temporary directory: {e}"))?;
    let out = keep.unwrap_or_else(|| scratch.path().join("job-runner"));
    let spec = spec(&out)?;
    say(&format!("--- generating {SPEC} into {}", out.display()));
    crate::generate(&spec)?;

    let root = repo_root();
    let target = target_dir(&root);
    if skip_ci {
        say("--- skipping the generated service's .ci/run (--skip-ci)");
    } else {
        say("--- the generated service's own CI: bash .ci/run");
        run_in(&out, &target, "bash", &[".ci/run"])?;
    }

    say("--- building the auth binary and the generated one");
    run_in(
        &root,
        &target,
        "cargo",
        &["build", "--locked", "-p", "jobber-auth", "--bin", "auth"],
    )?;
    run_in(
        &out,
        &target,
        "cargo",
        &[
            "build",
            "--locked",
            "-p",
            "jobber-job-runner",
            "--bin",
            "job-runner",
        ],
    )?;
    say("--- end to end: the generated service against the real auth service");
    e2e::run(
        &target.join("debug/auth"),
        &target.join("debug/job-runner"),
        scratch.path(),
        &spec,
    )
}

fn options(args: &[String]) -> Result<(Option<PathBuf>, bool), String> {
    let mut keep = None;
    let mut skip_ci = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--keep" => {
                let dir = args.next().ok_or("--keep needs a directory")?;
                keep = Some(PathBuf::from(dir));
            }
            // For iterating on the end-to-end run; CI never passes it.
            "--skip-ci" => skip_ci = true,
            other => return Err(format!("unknown argument `{other}` (try --keep DIR)")),
        }
    }
    Ok((keep, skip_ci))
}

fn spec(out: &Path) -> Result<NewService, String> {
    let mut args: Vec<String> = SPEC.split_whitespace().map(str::to_owned).collect();
    args.extend(["--out".to_owned(), out.display().to_string()]);
    match crate::args::parse(&args, Path::new(".")) {
        Ok(Parsed::Generate(spec)) => Ok(spec),
        Ok(Parsed::Help) => Err("the test's own arguments asked for help".to_owned()),
        Err(refused) => Err(format!("the test's own arguments were refused: {refused}")),
    }
}

/// Where cargo builds: `CARGO_TARGET_DIR` if set, else this repository's `target/`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
}

fn run_in(dir: &Path, target: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // The generated workspace is its own; nothing of this one's cargo run may leak into it.
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PKG_NAME")
        .status()
        .map_err(|e| format!("`{program}` could not run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{program} {}` failed in {} ({status})",
            args.join(" "),
            dir.display()
        ))
    }
}
