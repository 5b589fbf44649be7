//! The Dockerfile: a cached multi-stage build whose image runs the binary as a non-root user, with
//! the defaults `docker run` needs.

use std::path::Path;

use crate::dockerfile_model::{Instruction, dockerfile_model};
use crate::support::{DOCKERFILE, load_settings};

const BINARY: &str = bootstrap::service::NAME;

/// The directory of the default SQLite path (`data/<name>.db`), relative to the working directory.
fn sqlite_dir() -> String {
    Path::new(bootstrap::service::DEFAULT_SQLITE_PATH)
        .parent()
        .map(|dir| dir.display().to_string())
        .unwrap_or_default()
}

#[test]
fn dockerfile_cooks_dependencies_before_copying_the_sources() {
    let dockerfile = dockerfile_model();
    assert!(
        dockerfile.stages.len() >= 2,
        "{DOCKERFILE}: {} FROM line(s); a multi-stage build keeps the toolchain out of the image",
        dockerfile.stages.len()
    );
    let cooks_first = dockerfile.stages.iter().any(|stage| {
        let cook = stage.position(|i| i.is("RUN") && i.args.contains("cargo chef cook"));
        let sources = stage.position(Instruction::copies_the_whole_context);
        matches!((cook, sources), (Some(cook), Some(sources)) if cook < sources)
    });
    assert!(
        cooks_first,
        "{DOCKERFILE}: no stage runs `cargo chef cook` before `COPY . …`; without it every source \
         change rebuilds every dependency"
    );
}

#[test]
fn dockerfile_runtime_stage_is_non_root_exposes_the_port_and_runs_the_binary() {
    let dockerfile = dockerfile_model();
    let runtime = dockerfile.runtime();
    let port = bootstrap::service::DEFAULT_PORT;
    let at = |i: &Instruction| format!("{DOCKERFILE}:{}", i.line);

    let user = runtime.last("USER").map(|u| u.args.clone());
    let uid = user.as_deref().and_then(|u| u.split(':').next());
    assert!(
        uid.is_some_and(|uid| uid != "root" && uid != "0"),
        "{DOCKERFILE}: the final stage (line {}) must switch to a non-root USER, found {user:?}",
        runtime.from.line
    );

    assert!(
        runtime
            .all("EXPOSE")
            .any(|e| e.words().any(|p| p == port.to_string())),
        "{DOCKERFILE}: the final stage does not `EXPOSE {port}`, the service's default port"
    );

    let entrypoint = runtime
        .last("ENTRYPOINT")
        .unwrap_or_else(|| panic!("{DOCKERFILE}: the final stage has no ENTRYPOINT"));
    let program = entrypoint
        .exec_form()
        .and_then(|argv| argv.into_iter().next());
    let program = program.unwrap_or_else(|| {
        panic!(
            "{}: ENTRYPOINT must be in exec form ([\"…\"]) so that the binary is PID 1 and gets \
             SIGTERM, found `{}`",
            at(entrypoint),
            entrypoint.args
        )
    });
    assert!(
        Path::new(&program).file_name().is_some_and(|n| n == BINARY),
        "{}: ENTRYPOINT runs `{program}`, not the `{BINARY}` binary",
        at(entrypoint)
    );
    let copied = runtime.copies().any(|copy| {
        copy.from.is_some()
            && copy.destination == program
            && copy
                .sources
                .iter()
                .any(|s| s.ends_with(&format!("/release/{BINARY}")))
    });
    assert!(
        copied,
        "{DOCKERFILE}: the final stage never copies a release `{BINARY}` from a build stage to \
         `{program}`, the ENTRYPOINT"
    );
}

/// With no database URL the service writes SQLite under its working directory, so `docker run`
/// with no options works only if that directory exists and belongs to the non-root user.
#[test]
fn dockerfile_gives_the_non_root_user_a_writable_sqlite_directory() {
    let dockerfile = dockerfile_model();
    let runtime = dockerfile.runtime();
    let workdir = runtime.last("WORKDIR").map_or("/", |w| w.args.trim());
    let sqlite_dir = sqlite_dir();
    let data_dir = format!("{}/{sqlite_dir}", workdir.trim_end_matches('/'));
    let owner = runtime.last("USER").map(|u| u.args.trim().to_owned());

    let chowned = runtime
        .copies()
        .any(|copy| copy.destination.trim_end_matches('/') == data_dir && copy.chown == owner);
    assert!(
        chowned,
        "{DOCKERFILE}: the final stage must create {data_dir} (WORKDIR + {sqlite_dir}) owned by \
         USER {owner:?}, e.g. `COPY --from=builder --chown={} <empty dir> {data_dir}`; distroless \
         has no shell to mkdir with, and the service's SQLite default lives there",
        owner.as_deref().unwrap_or("65532:65532")
    );
    let volumes: Vec<String> = runtime.all("VOLUME").flat_map(Instruction::list).collect();
    assert!(
        volumes.iter().any(|v| v.trim_end_matches('/') == data_dir),
        "{DOCKERFILE}: {data_dir} is not declared a VOLUME (found {volumes:?}), so the demo's \
         data lives in the container's writable layer"
    );

    let settings = load_settings(&dockerfile.runtime_env()).unwrap_or_else(|e| {
        panic!("{DOCKERFILE}: the final stage's ENV is refused by the configuration loader: {e}")
    });
    assert_eq!(
        settings.server.port,
        dockerfile.exposed_port(),
        "{DOCKERFILE}: `docker run` with no options listens on PORT {}, not the EXPOSEd port",
        settings.server.port
    );
}
