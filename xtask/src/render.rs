//! The templates under `xtask/templates/`, rendered with the context: each file's path mirrors where it
//! goes in the generated service, with `__plural__` standing for the entity's module.

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::context::Context;

/// One file of the generated service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub contents: String,
    pub executable: bool,
}

/// Renders every template. `_*.j2` files hold shared macros and are not output.
///
/// # Errors
/// A template that cannot be read or rendered, named with its path.
pub fn render_all(templates: &Path, context: &Context) -> Result<Vec<File>, String> {
    let mut sources = Vec::new();
    collect(templates, templates, &mut sources)?;
    let mut env = environment();
    for (name, source) in &sources {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(|e| format!("template {name}: {e:#}"))?;
    }
    let value = Value::from_serialize(context);
    let mut files = Vec::new();
    for (name, _) in &sources {
        if Path::new(name).file_name().is_some_and(|f| {
            let f = f.to_string_lossy();
            f.starts_with('_') && !f.starts_with("__") && f.ends_with(".j2")
        }) {
            continue;
        }
        let template = env
            .get_template(name)
            .map_err(|e| format!("template {name}: {e:#}"))?;
        let contents = template
            .render(&value)
            .map_err(|e| format!("template {name}: {e:#}"))?;
        let path = output_path(name, context);
        let executable = is_executable(&path);
        files.push(File {
            path,
            contents,
            executable,
        });
    }
    Ok(files)
}

/// Blocks take their line with them, and a name a template does not define is an error, not blank.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

fn collect(root: &Path, dir: &Path, into: &mut Vec<(String, String)>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, into)?;
        } else {
            let source =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .strip_prefix(root)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            into.push((name, source));
        }
    }
    Ok(())
}

fn output_path(name: &str, context: &Context) -> PathBuf {
    let name = name.strip_suffix(".j2").unwrap_or(name);
    PathBuf::from(
        name.replace("__plural__", &context.plural.snake)
            .replace("__version__", &context.migration_version),
    )
}

/// Scripts keep their executable bit: README's commands run them directly.
pub fn is_executable(path: &Path) -> bool {
    path.starts_with("scripts")
        || path == Path::new(".ci/run")
        || path.extension().is_some_and(|e| e == "sh")
}

/// The names a service-level template needs: what every service, auth included, has.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServiceNames {
    pub name: String,
    pub snake: String,
    pub prefix: String,
    pub title: String,
    pub package: String,
    pub port: u16,
}

impl ServiceNames {
    /// The auth service's own names, for rendering the templates it shares with generated services.
    pub fn auth() -> Self {
        Self {
            name: "auth".to_owned(),
            snake: "auth".to_owned(),
            prefix: "AUTH_".to_owned(),
            title: "Auth".to_owned(),
            package: "jobber-auth".to_owned(),
            port: 3000,
        }
    }
}

/// Renders one template that needs only the service's names.
///
/// # Errors
/// When the template cannot be read or rendered.
pub fn render_one(templates: &Path, name: &str, names: &ServiceNames) -> Result<String, String> {
    let source =
        std::fs::read_to_string(templates.join(name)).map_err(|e| format!("{name}: {e}"))?;
    environment()
        .render_str(&source, Value::from_serialize(names))
        .map_err(|e| format!("template {name}: {e:#}"))
}

/// Templates that render this repository's own file when given the auth service's names: one source
/// for the packaging every service shares.
pub const SHARED_TEMPLATES: &[&str] = &["Dockerfile", ".dockerignore"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo_root;

    #[test]
    fn the_shared_templates_render_this_repositorys_own_files_for_auth() {
        let root = repo_root();
        for name in SHARED_TEMPLATES {
            let rendered = render_one(&root.join("xtask/templates"), name, &ServiceNames::auth())
                .expect("renders");
            let committed = std::fs::read_to_string(root.join(name)).expect("committed");
            assert!(
                rendered == committed,
                "{name} differs from xtask/templates/{name} rendered for auth: change the template, \
                 not the file, and run `cargo xtask render-shared`, so that generated services get \
                 the change too"
            );
        }
    }
}
