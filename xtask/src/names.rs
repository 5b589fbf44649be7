//! The service's name and the entity's, checked, and spelled every way the generated code needs them.

use crate::plumbing::auth_residue;
use crate::words::{
    RESERVED_TYPES, RUST_KEYWORDS, SQL_KEYWORDS, TAKEN_SERVICE_NAMES, TEMPLATE_MODULES,
    TEMPLATE_TYPES,
};

pub const MAX_NAME_CHARS: usize = 30;

/// The service's name, `[a-z][a-z0-9]*(-[a-z0-9]+)*`: packages are `jobber-<name>-*`, the binary is
/// `<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName(String);

impl ServiceName {
    /// # Errors
    /// The rule `raw` breaks, as a sentence.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let words: Vec<&str> = raw.split('-').collect();
        let shaped = words.iter().all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }) && raw.starts_with(|c: char| c.is_ascii_lowercase());
        if !shaped {
            return Err(
                "must match [a-z][a-z0-9]*(-[a-z0-9]+)*: lower-case letters and digits, in words \
                 joined by single hyphens, starting with a letter"
                    .to_owned(),
            );
        }
        if raw.len() > MAX_NAME_CHARS {
            return Err(format!(
                "must be at most {MAX_NAME_CHARS} characters, got {}",
                raw.len()
            ));
        }
        if raw == "auth" || raw.starts_with("auth-") {
            return Err(
                "must not be `auth` or start with `auth-`: that is the auth service, and its AUTH_ \
                 settings prefix would take this service's keys for its own"
                    .to_owned(),
            );
        }
        if TAKEN_SERVICE_NAMES.contains(&raw) {
            return Err(format!(
                "`{raw}` is taken: its settings prefix {}_ would read other tools' variables (cargo's, \
                 the test scripts', the compose file's) as this service's own, or it names a database \
                 or compose service that exists already",
                raw.to_ascii_uppercase()
            ));
        }
        refuse_auth_words(raw)?;
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `job_runner`: the PostgreSQL database's name.
    pub fn snake(&self) -> String {
        self.0.replace('-', "_")
    }

    /// `JOB_RUNNER_`: every setting but `PORT` starts with it.
    pub fn env_prefix(&self) -> String {
        format!("{}_", self.snake().to_ascii_uppercase())
    }

    /// `Job Runner`, for prose.
    pub fn title(&self) -> String {
        self.0
            .split('-')
            .map(capitalise)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A PascalCase type name, `[A-Z][a-z0-9]+([A-Z][a-z0-9]+)*`: `JobRun`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pascal {
    words: Vec<String>,
}

impl Pascal {
    /// # Errors
    /// The rule `raw` breaks, as a sentence.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut words: Vec<String> = Vec::new();
        for c in raw.chars() {
            if c.is_ascii_uppercase() {
                words.push(c.to_string());
            } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
                match words.last_mut() {
                    Some(word) => word.push(c),
                    None => words.push(c.to_string()),
                }
            } else {
                words.clear();
                break;
            }
        }
        let shaped = !words.is_empty()
            && words
                .iter()
                .all(|w| w.len() >= 2 && w.starts_with(|c: char| c.is_ascii_uppercase()));
        if !shaped {
            return Err(
                "must match [A-Z][a-z0-9]+([A-Z][a-z0-9]+)*: PascalCase words of a capital and at \
                 least one lower-case letter or digit each, such as Job or JobRun"
                    .to_owned(),
            );
        }
        if raw.len() > MAX_NAME_CHARS {
            return Err(format!(
                "must be at most {MAX_NAME_CHARS} characters, got {}",
                raw.len()
            ));
        }
        let name = Self { words };
        if RESERVED_TYPES.contains(&raw) {
            return Err(format!(
                "`{raw}` is a type of GraphQL or Rust already; choose another name"
            ));
        }
        name.check_fits_the_template()?;
        Ok(name)
    }

    /// The singular's spellings must not collide with what the template already names.
    fn check_fits_the_template(&self) -> Result<(), String> {
        let pascal = self.pascal();
        for spelling in [pascal.clone(), self.camel(), self.snake()] {
            refuse_auth_words(&spelling)?;
        }
        let derived = derived_types(&pascal);
        if let Some(taken) = derived
            .iter()
            .find(|t| TEMPLATE_TYPES.contains(&t.as_str()))
        {
            return Err(format!(
                "`{pascal}` would make the type `{taken}`, which the template's shared code already \
                 defines; choose another name"
            ));
        }
        // The singular names values (`let job = …`), which live apart from modules and crates, so only a
        // keyword is in its way; the plural names modules, and is checked as one.
        let snake = self.snake();
        if RUST_KEYWORDS.contains(&snake.as_str()) {
            return Err(format!(
                "`{pascal}` would be spelled `{snake}` in Rust code, which is a Rust keyword; choose \
                 another name"
            ));
        }
        Ok(())
    }

    pub fn pascal(&self) -> String {
        self.words.concat()
    }

    /// `jobRun`
    pub fn camel(&self) -> String {
        let mut words = self.words.iter();
        let first = words
            .next()
            .map(|w| w.to_ascii_lowercase())
            .unwrap_or_default();
        std::iter::once(first).chain(words.cloned()).collect()
    }

    /// `job_run`
    pub fn snake(&self) -> String {
        self.lower_words().join("_")
    }

    /// `job run`, for prose.
    pub fn prose(&self) -> String {
        self.lower_words().join(" ")
    }

    fn lower_words(&self) -> Vec<String> {
        self.words.iter().map(|w| w.to_ascii_lowercase()).collect()
    }

    /// The English plural of the last word: `JobRun` → `JobRuns`, `Entry` → `Entries`, `Batch` →
    /// `Batches`, `Day` → `Days`.
    ///
    /// # Errors
    /// When English has no plural distinct from the singular (`Series`): give `--plural`.
    pub fn plural(&self) -> Result<Self, String> {
        let (last, head) = self
            .words
            .split_last()
            .ok_or("an empty name has no plural")?;
        let plural = pluralise(last);
        if plural == *last {
            return Err(format!(
                "`{}` has no plural distinct from its singular; give one with --plural",
                self.pascal()
            ));
        }
        let mut words = head.to_vec();
        words.push(plural);
        Ok(Self { words })
    }

    /// Checks `self` as the plural of `singular`.
    ///
    /// # Errors
    /// When it is the singular, or spells a table or module name that cannot be.
    pub fn check_as_plural_of(&self, singular: &Self) -> Result<(), String> {
        if self.snake() == singular.snake() {
            return Err(format!(
                "`{}` is the singular itself; a list and an item need different names",
                self.pascal()
            ));
        }
        let snake = self.snake();
        for spelling in [self.pascal(), self.camel(), snake.clone()] {
            refuse_auth_words(&spelling)?;
        }
        let singular_types = derived_types(&singular.pascal());
        if let Some(taken) = plural_types(&self.pascal())
            .into_iter()
            .find(|t| TEMPLATE_TYPES.contains(&t.as_str()) || singular_types.contains(t))
        {
            return Err(format!(
                "`{}` would make the type `{taken}`, which the template already defines; give another \
                 --plural",
                self.pascal()
            ));
        }
        if snake.starts_with("sqlite_") {
            return Err(format!(
                "`{}` would be the table `{snake}`, and SQLite keeps names starting with sqlite_ for \
                 itself; give another --plural",
                self.pascal()
            ));
        }
        let operations =
            ["create", "update", "delete"].map(|op| format!("{op}_{}", singular.snake()));
        if operations.contains(&snake) {
            return Err(format!(
                "`{}` would name the list as one of the operations on a {} is named; give another \
                 --plural",
                self.pascal(),
                singular.prose()
            ));
        }
        if RUST_KEYWORDS.contains(&snake.as_str()) || TEMPLATE_MODULES.contains(&snake.as_str()) {
            return Err(format!(
                "`{}` would be the module `{snake}`, which is a Rust keyword or a module or crate the \
                 template already uses; give another --plural",
                self.pascal()
            ));
        }
        if SQL_KEYWORDS.contains(&snake.as_str()) {
            return Err(format!(
                "`{}` would be the table `{snake}`, an SQL key word; give another --plural",
                self.pascal()
            ));
        }
        Ok(())
    }
}

/// Every type name the generated entity code defines from the entity's name.
fn derived_types(pascal: &str) -> Vec<String> {
    [
        "{}",
        "{}Id",
        "{}Fields",
        "{}Draft",
        "{}Patch",
        "{}PatchDraft",
        "New{}",
        "{}Repository",
        "Mock{}Repository",
        "{}Service",
        "{}UseCases",
        "Mock{}UseCases",
        "{}QueryError",
        "Create{}Error",
        "Update{}Error",
        "Delete{}Error",
        "Pg{}Repository",
        "Sqlite{}Repository",
        "Create{}Input",
        "Update{}Input",
    ]
    .iter()
    .map(|pattern| pattern.replace("{}", pascal))
    .collect()
}

/// Every type name the generated module code defines from the plural.
fn plural_types(pascal: &str) -> Vec<String> {
    ["{}Query", "{}Mutation", "{}Module", "Shared{}"]
        .iter()
        .map(|pattern| pattern.replace("{}", pascal))
        .collect()
}

/// A generated service carries nothing of the auth service's own module (see
/// `plumbing::AUTH_WORDS`), so no name of its may be one of those words.
fn refuse_auth_words(spelling: &str) -> Result<(), String> {
    match auth_residue(spelling).first() {
        None => Ok(()),
        Some(found) => Err(format!(
            "`{spelling}` holds a word of the auth service's own module ({}); a generated service \
             carries nothing of it, so choose another name",
            found.trim_start_matches("line 1: ")
        )),
    }
}

/// English nouns whose plural is the singular; the rules below would get them wrong.
const UNINFLECTED: &[&str] = &[
    "Aircraft",
    "Deer",
    "Equipment",
    "Fish",
    "Information",
    "Moose",
    "News",
    "Offspring",
    "Series",
    "Sheep",
    "Species",
];

const IRREGULAR: &[(&str, &str)] = &[
    ("Calf", "Calves"),
    ("Child", "Children"),
    ("Criterion", "Criteria"),
    ("Datum", "Data"),
    ("Elf", "Elves"),
    ("Foot", "Feet"),
    ("Goose", "Geese"),
    ("Half", "Halves"),
    ("Knife", "Knives"),
    ("Leaf", "Leaves"),
    ("Life", "Lives"),
    ("Loaf", "Loaves"),
    ("Man", "Men"),
    ("Mouse", "Mice"),
    ("Person", "People"),
    ("Quiz", "Quizzes"),
    ("Shelf", "Shelves"),
    ("Thief", "Thieves"),
    ("Tooth", "Teeth"),
    ("Wife", "Wives"),
    ("Wolf", "Wolves"),
    ("Woman", "Women"),
];

fn pluralise(word: &str) -> String {
    if UNINFLECTED.contains(&word) {
        return word.to_owned();
    }
    if let Some((_, plural)) = IRREGULAR.iter().find(|(singular, _)| *singular == word) {
        return (*plural).to_owned();
    }
    let lower = word.to_ascii_lowercase();
    let before_last = lower.chars().rev().nth(1);
    let consonant_before = before_last.is_some_and(|c| !"aeiou".contains(c));
    if lower.ends_with('y') && consonant_before {
        return format!("{}ies", &word[..word.len() - 1]);
    }
    if lower.ends_with("sis") && word.len() > 3 {
        return format!("{}ses", &word[..word.len() - 3]);
    }
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        return format!("{word}es");
    }
    format!("{word}s")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// `due_at` → `dueAt`.
pub fn snake_to_camel(snake: &str) -> String {
    let mut words = snake.split('_');
    let first = words.next().unwrap_or_default().to_owned();
    std::iter::once(first)
        .chain(words.map(capitalise))
        .collect()
}

/// `due_at` → `DueAt`.
pub fn snake_to_pascal(snake: &str) -> String {
    snake.split('_').map(capitalise).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plural_of(entity: &str) -> Result<String, String> {
        Pascal::parse(entity)?.plural().map(|p| p.pascal())
    }

    #[test]
    fn service_names_are_kebab_case_and_spelled_for_every_use() {
        let name = ServiceName::parse("job-runner").expect("valid");
        assert_eq!(name.snake(), "job_runner");
        assert_eq!(name.env_prefix(), "JOB_RUNNER_");
        assert_eq!(name.title(), "Job Runner");
        for ok in ["scheduler", "a", "a1", "job-runner-2", &"a".repeat(30)] {
            assert!(ServiceName::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Jobs",
            "1jobs",
            "-jobs",
            "jobs-",
            "job--runner",
            "job_runner",
            "job runner",
            "jöbs",
            &"a".repeat(31),
        ] {
            assert!(ServiceName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_auth_service_and_the_compose_database_are_refused_with_why() {
        for taken in ["auth", "auth-tokens"] {
            let why = ServiceName::parse(taken).expect_err("taken");
            assert!(why.contains("AUTH_"), "{why}");
        }
        assert!(
            ServiceName::parse("authors").is_ok(),
            "only the auth prefix is taken"
        );
        for taken in [
            "postgres",
            "test",
            "cargo",
            "rust",
            "pg",
            "jobber",
            "template1",
        ] {
            assert!(
                ServiceName::parse(taken)
                    .expect_err(taken)
                    .contains("taken"),
                "{taken}"
            );
        }
        let why = ServiceName::parse("login-queue").expect_err("an auth word");
        assert!(why.contains("`login`"), "{why}");
    }

    #[test]
    fn entity_names_are_pascal_case_and_spelled_for_every_use() {
        let name = Pascal::parse("JobRun").expect("valid");
        assert_eq!(name.camel(), "jobRun");
        assert_eq!(name.snake(), "job_run");
        assert_eq!(name.prose(), "job run");
        let plural = name.plural().expect("plural");
        assert_eq!(
            (plural.pascal(), plural.camel(), plural.snake()),
            ("JobRuns".into(), "jobRuns".into(), "job_runs".into())
        );
        for bad in [
            "job", "JOB", "J", "JobR", "Job_Run", "Job-Run", "Jöb", "JobRUN", "",
        ] {
            assert!(Pascal::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Pascal::parse("Job2Run").is_ok(), "digits belong to a word");
    }

    #[test]
    fn names_that_clash_with_graphql_or_rust_are_refused() {
        for taken in [
            "Query", "Mutation", "ID", "String", "Int", "Boolean", "DateTime", "Option", "Result",
            "Box", "Vec", "Self",
        ] {
            assert!(Pascal::parse(taken).is_err(), "{taken}");
        }
        let why = Pascal::parse("Caller").expect_err("the template's own type");
        assert!(why.contains("`Caller`"), "{why}");
        assert!(
            Pascal::parse("Page").is_ok(),
            "Page makes PageId, not PageSize"
        );
        let why = Pascal::parse("Type").expect_err("type is a keyword");
        assert!(why.contains("`type`"), "{why}");
        assert!(Pascal::parse("Store").is_err(), "the template's Store");
        for auth in ["User", "Login", "Email", "UserId"] {
            let why = Pascal::parse(auth).expect_err(auth);
            assert!(why.contains("auth service"), "{auth}: {why}");
        }
        assert!(
            Pascal::parse("UserProfile").is_ok(),
            "only whole words are auth's"
        );
    }

    #[test]
    fn plurals_follow_english_rules_on_the_last_word() {
        for (singular, plural) in [
            ("Job", "Jobs"),
            ("Entry", "Entries"),
            ("Batch", "Batches"),
            ("Day", "Days"),
            ("Fox", "Foxes"),
            ("Bus", "Buses"),
            ("Wish", "Wishes"),
            ("Analysis", "Analyses"),
            ("JobEntry", "JobEntries"),
            ("Person", "People"),
            ("WorkerChild", "WorkerChildren"),
            ("Key", "Keys"),
            ("Video", "Videos"),
        ] {
            assert_eq!(plural_of(singular).as_deref(), Ok(plural), "{singular}");
        }
        let why = plural_of("Series").expect_err("uninflected");
        assert!(why.contains("--plural"), "{why}");
    }

    #[test]
    fn a_plural_must_differ_from_its_singular_and_be_a_usable_table() {
        let job = Pascal::parse("Job").expect("valid");
        let same = Pascal::parse("Job").expect("valid");
        assert!(same.check_as_plural_of(&job).is_err());
        let operation = Pascal::parse("CreateJob").expect("valid");
        assert!(
            operation.check_as_plural_of(&job).is_err(),
            "createJob is taken"
        );
        let fine = Pascal::parse("JobList").expect("valid");
        assert!(fine.check_as_plural_of(&job).is_ok());
        let group = Pascal::parse("Group").expect("valid");
        let why = group
            .plural()
            .expect("Groups")
            .check_as_plural_of(&group)
            .expect_err("GROUPS is an SQLite key word");
        assert!(why.contains("`groups`"), "{why}");
        let internal = Pascal::parse("SqliteJob").expect("valid");
        let why = internal
            .plural()
            .expect("SqliteJobs")
            .check_as_plural_of(&internal)
            .expect_err("sqlite_ tables are SQLite's");
        assert!(why.contains("sqlite_"), "{why}");
    }

    #[test]
    fn field_names_convert_to_graphql_case() {
        assert_eq!(snake_to_camel("due_at"), "dueAt");
        assert_eq!(snake_to_camel("name"), "name");
        assert_eq!(snake_to_camel("a_1_b"), "a1B");
        assert_eq!(snake_to_pascal("due_at"), "DueAt");
    }
}
