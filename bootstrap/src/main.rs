//! The service's binary.

use std::process::ExitCode;

use bootstrap::cli::{self, Command};
use bootstrap::{Application, Settings, service, startup, telemetry};

fn main() -> ExitCode {
    let command = match cli::parse(std::env::args()) {
        Ok(command) => command,
        Err(message) => return fail(&message, 2),
    };
    match command {
        Command::Help => {
            println_stdout(&cli::usage());
            ExitCode::SUCCESS
        }
        Command::PrintSchema => {
            println_stdout(adapters::schema::sdl().trim_end());
            ExitCode::SUCCESS
        }
        Command::Serve | Command::Migrate => {
            let settings = match Settings::load() {
                Ok(settings) => settings,
                Err(message) => return fail(&message, 2),
            };
            // Held to the end, so that the last lines, an error's included, are written before exit,
            // and the last spans are sent.
            let _telemetry = match telemetry::init(settings.log.log_format, &settings.log.log_level)
            {
                Ok(telemetry) => telemetry,
                Err(message) => return fail(&message, 2),
            };
            match run(command, &settings) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::error!(
                        error = format!("{error:#}"),
                        "{} stopped on an error",
                        service::NAME
                    );
                    fail(&format!("{error:#}"), 1)
                }
            }
        }
    }
}

fn run(command: Command, settings: &Settings) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        if command == Command::Migrate {
            return startup::migrate_only(settings).await;
        }
        Application::build(settings)
            .await?
            .run_until_stopped()
            .await
    })
}

#[allow(clippy::print_stdout)]
fn println_stdout(text: &str) {
    println!("{text}");
}

#[allow(clippy::print_stderr)]
fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("{}: {message}", service::NAME);
    ExitCode::from(code)
}
