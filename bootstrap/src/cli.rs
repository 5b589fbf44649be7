//! The command line: `serve` (the default), `migrate`, `print-schema`.

use crate::service;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    PrintSchema,
    Help,
}

pub fn usage() -> String {
    let (name, prefix) = (service::NAME, service::ENV_PREFIX);
    format!(
        "\
usage: {name} [COMMAND]

commands:
  serve          run the GraphQL server (default)
  migrate        apply pending database migrations and exit
  print-schema   print the GraphQL schema (SDL) to stdout
  help           show this message

Configuration comes from defaults, ./{name}.toml, ./.env and {prefix}* / PORT environment variables;
see README.md for every setting."
    )
}

/// # Errors
/// An unknown command or extra arguments, as a message for the user.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let args: Vec<String> = args.into_iter().skip(1).collect();
    let command = match args.first().map(String::as_str) {
        None | Some("serve") => Command::Serve,
        Some("migrate") => Command::Migrate,
        Some("print-schema") => Command::PrintSchema,
        Some("help" | "-h" | "--help") => Command::Help,
        Some(other) => return Err(format!("unknown command `{other}`\n\n{}", usage())),
    };
    if args.len() > 1 {
        return Err(format!("unexpected argument `{}`\n\n{}", args[1], usage()));
    }
    Ok(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Command, String> {
        parse(
            std::iter::once(service::NAME)
                .chain(args.iter().copied())
                .map(str::to_owned),
        )
    }

    #[test]
    fn serve_is_the_default_and_each_command_parses() {
        assert_eq!(parse_args(&[]), Ok(Command::Serve));
        assert_eq!(parse_args(&["serve"]), Ok(Command::Serve));
        assert_eq!(parse_args(&["migrate"]), Ok(Command::Migrate));
        assert_eq!(parse_args(&["print-schema"]), Ok(Command::PrintSchema));
        assert_eq!(parse_args(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn unknown_commands_and_extra_arguments_are_refused_with_usage() {
        assert!(
            parse_args(&["frobnicate"])
                .expect_err("unknown")
                .contains("unknown command `frobnicate`")
        );
        assert!(
            parse_args(&["serve", "now"])
                .expect_err("extra")
                .contains("unexpected argument `now`")
        );
    }
}
