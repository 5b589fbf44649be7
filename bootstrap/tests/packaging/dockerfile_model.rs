//! The parts of the Dockerfile syntax this Dockerfile uses, read the way `docker build` reads them.

use std::collections::BTreeMap;

use crate::support::{DOCKERFILE, read};

pub struct Instruction {
    pub line: usize,
    keyword: String,
    pub args: String,
}

impl Instruction {
    pub fn is(&self, keyword: &str) -> bool {
        self.keyword == keyword
    }

    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.args.split_whitespace()
    }

    pub fn exec_form(&self) -> Option<Vec<String>> {
        serde_json::from_str(self.args.trim()).ok()
    }

    /// VOLUME and the like: a JSON array or whitespace-separated words.
    pub fn list(&self) -> Vec<String> {
        self.exec_form()
            .unwrap_or_else(|| self.words().map(str::to_owned).collect())
    }

    fn copy(&self) -> CopyArgs {
        let mut copy = CopyArgs::default();
        let mut paths = Vec::new();
        for word in self.words() {
            if let Some(from) = word.strip_prefix("--from=") {
                copy.from = Some(from.to_owned());
            } else if let Some(chown) = word.strip_prefix("--chown=") {
                copy.chown = Some(chown.to_owned());
            } else if !word.starts_with("--") {
                paths.push(word.to_owned());
            }
        }
        copy.destination = paths.pop().unwrap_or_default();
        copy.sources = paths;
        copy
    }

    pub fn copies_the_whole_context(&self) -> bool {
        if !self.is("COPY") {
            return false;
        }
        let copy = self.copy();
        copy.from.is_none() && copy.sources.iter().any(|s| s == "." || s == "./")
    }

    /// `ENV K=V K2="V 2"`, or the legacy `ENV K V`.
    fn env(&self) -> Vec<(String, String)> {
        let words = shell_words(&self.args);
        match words.first() {
            Some(first) if !first.contains('=') => {
                vec![(first.clone(), words[1..].join(" "))]
            }
            _ => words
                .iter()
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct CopyArgs {
    pub from: Option<String>,
    pub chown: Option<String>,
    pub sources: Vec<String>,
    pub destination: String,
}

pub struct Stage {
    pub from: Instruction,
    instructions: Vec<Instruction>,
}

impl Stage {
    pub fn all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Instruction> {
        self.instructions.iter().filter(move |i| i.is(keyword))
    }

    pub fn last(&self, keyword: &str) -> Option<&Instruction> {
        self.instructions.iter().rfind(|i| i.is(keyword))
    }

    pub fn copies(&self) -> impl Iterator<Item = CopyArgs> {
        self.all("COPY").map(Instruction::copy)
    }

    pub fn position(&self, predicate: impl Fn(&Instruction) -> bool) -> Option<usize> {
        self.instructions.iter().position(predicate)
    }
}

pub struct Dockerfile {
    global_args: Vec<Instruction>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    fn parse(text: &str) -> Self {
        let mut dockerfile = Self {
            global_args: Vec::new(),
            stages: Vec::new(),
        };
        for instruction in logical_lines(text) {
            if instruction.is("FROM") {
                dockerfile.stages.push(Stage {
                    from: instruction,
                    instructions: Vec::new(),
                });
            } else if let Some(stage) = dockerfile.stages.last_mut() {
                stage.instructions.push(instruction);
            } else if instruction.is("ARG") {
                dockerfile.global_args.push(instruction);
            }
        }
        dockerfile
    }

    pub fn runtime(&self) -> &Stage {
        self.stages
            .last()
            .unwrap_or_else(|| panic!("{DOCKERFILE}: no FROM line"))
    }

    pub fn global_arg(&self, name: &str) -> Option<String> {
        self.global_args.iter().find_map(|arg| {
            let (key, value) = arg.args.trim().split_once('=')?;
            (key == name).then(|| value.trim_matches('"').to_owned())
        })
    }

    pub fn runtime_env(&self) -> BTreeMap<String, String> {
        self.runtime()
            .all("ENV")
            .flat_map(Instruction::env)
            .collect()
    }

    pub fn exposed_port(&self) -> u16 {
        let runtime = self.runtime();
        let ports: Vec<u16> = runtime
            .all("EXPOSE")
            .flat_map(Instruction::words)
            .filter_map(|p| p.split('/').next()?.parse().ok())
            .collect();
        match ports.as_slice() {
            [port] => *port,
            other => panic!(
                "{DOCKERFILE}: the final stage must EXPOSE exactly one port, found {other:?}"
            ),
        }
    }
}

pub fn dockerfile_model() -> Dockerfile {
    Dockerfile::parse(&read(DOCKERFILE))
}

/// Joins `\`-continued lines and drops comments, as the Dockerfile parser does.
fn logical_lines(text: &str) -> Vec<Instruction> {
    let mut instructions = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && pending.is_none()) {
            continue;
        }
        let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                joined.push(' ');
                pending = Some((start, joined));
            }
            None => {
                joined.push_str(trimmed);
                let (keyword, args) = joined
                    .split_once(char::is_whitespace)
                    .unwrap_or((&joined, ""));
                instructions.push(Instruction {
                    line: start,
                    keyword: keyword.to_ascii_uppercase(),
                    args: args.trim().to_owned(),
                });
            }
        }
    }
    instructions
}

/// Whitespace-separated words, with double quotes grouping and then removed.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
