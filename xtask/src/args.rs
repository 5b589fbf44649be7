//! `new-service`'s command line: every argument checked before anything is written.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::fields::{self, Field};
use crate::names::{Pascal, ServiceName};

pub const USAGE: &str = "\
usage: cargo xtask new-service NAME --entity ENTITY [--plural PLURAL] [--field FIELD:TYPE]... [--out DIR]

Generates a job-engine service of this template's shape: a workspace with domain, application, adapters
and bootstrap crates, one entity with create, read, list, update and delete over GraphQL, PostgreSQL and
SQLite stores, and callers authenticated by the auth service.

  NAME          the service: [a-z][a-z0-9]*(-[a-z0-9]+)*, at most 30 characters, e.g. scheduler
  --entity      the entity: PascalCase, e.g. Job or JobRun
  --plural      the entity's plural, PascalCase; English rules on the last word by default
  --field       FIELD:TYPE, FIELD in snake_case, TYPE one of string, int, bool, timestamp, with ? for
                an optional field; repeat for more. Default: name:string
  --out         where to write it, a new or empty directory; default ../NAME";

/// What `new-service` was asked to generate, every part checked.
#[derive(Debug, Clone)]
pub struct NewService {
    pub name: ServiceName,
    pub entity: Pascal,
    pub plural: Pascal,
    pub fields: Vec<Field>,
    pub out: PathBuf,
}

/// A refused argument: which one, and the rule it broke. Shown as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    pub argument: String,
    pub rule: String,
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.argument, self.rule)
    }
}

fn refuse(argument: impl Into<String>, rule: impl Into<String>) -> ArgError {
    ArgError {
        argument: argument.into(),
        rule: rule.into(),
    }
}

/// What the arguments ask for: a service, or the usage.
#[derive(Debug)]
pub enum Parsed {
    Generate(NewService),
    Help,
}

/// Parses the arguments after `new-service`; relative paths are taken from `cwd`.
///
/// # Errors
/// The first argument that breaks a rule.
pub fn parse(args: &[String], cwd: &Path) -> Result<Parsed, ArgError> {
    let mut name = None;
    let mut entity = None;
    let mut plural = None;
    let mut fields = Vec::new();
    let mut out = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |flag: &str| {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| refuse(flag, "needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--entity" => set_once(&mut entity, flag, value(flag)?)?,
            "--plural" => set_once(&mut plural, flag, value(flag)?)?,
            "--out" => set_once(&mut out, flag, value(flag)?)?,
            "--field" => {
                let raw = value(flag)?;
                fields.push(
                    fields::parse(&raw).map_err(|rule| refuse(format!("--field {raw}"), rule))?,
                );
            }
            other if other.starts_with('-') => {
                return Err(refuse(
                    other,
                    "is not an option of new-service (see --help)",
                ));
            }
            positional => {
                if name.is_some() {
                    return Err(refuse(
                        positional,
                        "is an extra argument; new-service takes one NAME",
                    ));
                }
                name = Some(positional.to_owned());
            }
        }
    }

    let name = name.ok_or_else(|| refuse("NAME", "is missing (see --help)"))?;
    let name = ServiceName::parse(&name).map_err(|rule| refuse(format!("NAME {name}"), rule))?;
    let entity = entity.ok_or_else(|| refuse("--entity", "is required (e.g. --entity Job)"))?;
    let entity =
        Pascal::parse(&entity).map_err(|rule| refuse(format!("--entity {entity}"), rule))?;
    let plural = match plural {
        Some(raw) => {
            let plural =
                Pascal::parse(&raw).map_err(|rule| refuse(format!("--plural {raw}"), rule))?;
            plural
                .check_as_plural_of(&entity)
                .map_err(|rule| refuse(format!("--plural {raw}"), rule))?;
            plural
        }
        None => {
            let plural = entity
                .plural()
                .map_err(|rule| refuse(format!("--entity {}", entity.pascal()), rule))?;
            plural
                .check_as_plural_of(&entity)
                .map_err(|rule| refuse(format!("--entity {}", entity.pascal()), rule))?;
            plural
        }
    };
    if fields.is_empty() {
        fields = fields::default_fields();
    }
    fields::check_distinct(&fields).map_err(|rule| refuse("--field", rule))?;
    let out = lexical(&cwd.join(out.unwrap_or_else(|| format!("../{}", name.as_str()))));
    check_out(&out)?;
    Ok(Parsed::Generate(NewService {
        name,
        entity,
        plural,
        fields,
        out,
    }))
}

/// Folds `.` and `..` so the path we print is the one a user would type
/// (`/work/scheduler`, not `/work/auth/../scheduler`). Lexical on purpose: the
/// directory may not exist yet, so it cannot be canonicalized.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut tidy = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(tidy.components().next_back(), Some(Component::Normal(_))) =>
            {
                tidy.pop();
            }
            other => tidy.push(other),
        }
    }
    tidy
}

fn set_once(slot: &mut Option<String>, flag: &str, value: String) -> Result<(), ArgError> {
    if slot.is_some() {
        return Err(refuse(flag, "is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// The output must be a new or empty directory: nothing there is ever overwritten.
fn check_out(out: &Path) -> Result<(), ArgError> {
    let shown = || format!("--out {}", out.display());
    match std::fs::metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(refuse(shown(), format!("cannot be inspected: {e}"))),
        Ok(meta) if !meta.is_dir() => Err(refuse(shown(), "exists and is not a directory")),
        Ok(_) => {
            let mut entries = std::fs::read_dir(out)
                .map_err(|e| refuse(shown(), format!("cannot be read: {e}")))?;
            if entries.next().is_some() {
                Err(refuse(
                    shown(),
                    "exists and is not empty; give a new or empty directory, nothing there is overwritten",
                ))
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    fn generate(line: &str, cwd: &Path) -> Result<NewService, ArgError> {
        match parse(&args(line), cwd)? {
            Parsed::Generate(spec) => Ok(spec),
            Parsed::Help => panic!("not a help request: {line}"),
        }
    }

    #[test]
    fn a_full_command_is_read_into_its_parts() {
        let cwd = tempfile::tempdir().expect("tempdir");
        let spec = generate(
            "job-runner --entity JobRun --field title:string --field=due_at:timestamp? --out svc",
            cwd.path(),
        )
        .expect("valid");
        assert_eq!(spec.name.as_str(), "job-runner");
        assert_eq!(spec.plural.pascal(), "JobRuns");
        let names: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["title", "due_at"]);
        assert_eq!(spec.out, cwd.path().join("svc"));
    }

    #[test]
    fn defaults_are_one_name_field_and_a_sibling_directory() {
        let cwd = tempfile::tempdir().expect("tempdir");
        let spec = generate("scheduler --entity Job", cwd.path()).expect("valid");
        assert_eq!(spec.fields, fields::default_fields());
        let parent = cwd.path().parent().expect("a temp dir has a parent");
        assert_eq!(spec.out, parent.join("scheduler"));
        assert_eq!(spec.plural.pascal(), "Jobs");
    }

    #[test]
    fn every_refusal_names_its_argument() {
        let cwd = tempfile::tempdir().expect("tempdir");
        for (line, argument) in [
            ("", "NAME"),
            ("Scheduler --entity Job", "NAME Scheduler"),
            ("auth --entity Job", "NAME auth"),
            ("scheduler", "--entity"),
            ("scheduler --entity job", "--entity job"),
            ("scheduler --entity Query", "--entity Query"),
            ("scheduler --entity Series", "--entity Series"),
            ("scheduler --entity Job --plural Job", "--plural Job"),
            ("scheduler --entity Job --field id:int", "--field id:int"),
            (
                "scheduler --entity Job --field a:int --field a:bool",
                "--field",
            ),
            ("scheduler --entity Job --entity Task", "--entity"),
            ("scheduler --entity Job --colour red", "--colour"),
            ("scheduler extra --entity Job", "extra"),
            ("scheduler --entity", "--entity"),
        ] {
            let err = generate(line, cwd.path()).expect_err(line);
            assert_eq!(err.argument, argument, "{line}: {err}");
            assert!(!err.to_string().contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn an_existing_non_empty_output_is_refused_and_an_empty_one_is_taken() {
        let cwd = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(cwd.path().join("empty")).expect("mkdir");
        assert!(generate("scheduler --entity Job --out empty", cwd.path()).is_ok());
        std::fs::write(cwd.path().join("empty/keep.txt"), "mine").expect("write");
        let err = generate("scheduler --entity Job --out empty", cwd.path()).expect_err("full");
        assert!(err.argument.starts_with("--out"), "{err}");
        assert!(err.rule.contains("not empty"), "{err}");
        std::fs::write(cwd.path().join("file"), "x").expect("write");
        let err = generate("scheduler --entity Job --out file", cwd.path()).expect_err("a file");
        assert!(err.rule.contains("not a directory"), "{err}");
    }

    #[test]
    fn help_is_help() {
        let cwd = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            parse(&args("--help"), cwd.path()),
            Ok(Parsed::Help)
        ));
    }
}
