//! The repository's own tooling, run as `cargo xtask …`:
//!
//! - `new-service`: a new job-engine service of this template's shape, in a directory of its own;
//! - `test-generated`: generates one with every field type, runs its own CI, and drives it end to end
//!   against the real auth binary.

mod args;
mod assemble;
mod context;
mod e2e;

mod fields;
mod names;
mod output;
mod plumbing;
mod render;
mod test_generated;

mod words;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{NewService, Parsed};

const USAGE: &str = "\
usage: cargo xtask COMMAND

commands:
  new-service     generate a new job-engine service from this template (--help for its arguments)
  test-generated  generate a service, run its CI and an end-to-end run against auth (what CI does)
  render-shared   write this repository's Dockerfile and .dockerignore from the templates it shares
                  with generated services (after changing a template)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    match command {
        "new-service" => new_service(rest),
        "render-shared" => render_shared(),
        "test-generated" => test_generated::run(rest),

        "help" | "-h" | "--help" => {
            say(USAGE);
            ExitCode::SUCCESS
        }
        other => {
            complain(&format!("unknown command `{other}`\n\n{USAGE}"));
            ExitCode::from(2)
        }
    }
}

fn new_service(args: &[String]) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let spec = match args::parse(args, &cwd) {
        Ok(Parsed::Generate(spec)) => spec,
        Ok(Parsed::Help) => {
            say(args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(refused) => {
            complain(&format!("new-service: {refused}"));
            return ExitCode::from(2);
        }
    };
    match generate(&spec) {
        Ok(formatted) => {
            say(&next_steps(&spec, formatted));
            ExitCode::SUCCESS
        }
        Err(message) => {
            complain(&format!("new-service: {message}"));
            ExitCode::FAILURE
        }
    }
}

fn render_shared() -> ExitCode {
    let root = repo_root();
    for name in render::SHARED_TEMPLATES {
        let written = render::render_one(
            &root.join("xtask/templates"),
            name,
            &render::ServiceNames::auth(),
        )
        .and_then(|text| std::fs::write(root.join(name), text).map_err(|e| format!("{name}: {e}")));
        if let Err(message) = written {
            complain(&format!("render-shared: {message}"));
            return ExitCode::FAILURE;
        }
        say(&format!("wrote {name}"));
    }
    ExitCode::SUCCESS
}

/// Generates `spec` into its output directory, or leaves nothing there. Returns whether rustfmt ran.
///
/// # Errors
/// What failed, in a sentence.
pub fn generate(spec: &NewService) -> Result<bool, String> {
    let files = assemble::generate(&repo_root(), spec)?;
    let existed = spec.out.exists();
    output::write_all(&spec.out, &files)?;
    let finish = || -> Result<bool, String> {
        let formatted = output::format_rust(&spec.out, &files)?;
        output::prune_lock(&spec.out)?;
        Ok(formatted)
    };
    finish().inspect_err(|_| output::remove(&spec.out, existed, &files))
}

fn next_steps(spec: &NewService, formatted: bool) -> String {
    let out = spec.out.display();
    let mut text = format!(
        "generated the {} service in {out}: the {} entity through every layer, with its tests\n\n\
         next:\n  cd {out}\n  cargo run          # serves GraphQL at http://localhost:{}/graphql\n  \
         scripts/test       # every test, against a PostgreSQL it finds or starts\n\n\
         It asks the auth service at http://localhost:{} who is calling; see its README.",
        spec.name.as_str(),
        spec.entity.pascal(),
        context::DEFAULT_PORT,
        context::AUTH_PORT,
    );
    if !formatted {
        text.push_str(
            "\n\nrustfmt was not found, so the code is not formatted yet: run `cargo fmt` there once \
             it is installed (`rustup component add rustfmt`).",
        );
    }
    text
}

/// This repository's root: the templates and shared files are read from it.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[allow(clippy::print_stdout, reason = "the tool's output")]
fn say(text: &str) {
    println!("{text}");
}

#[allow(clippy::print_stderr, reason = "the tool's errors")]
fn complain(text: &str) {
    eprintln!("cargo xtask {text}");
}
