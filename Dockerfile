# syntax=docker/dockerfile:1

# The `auth` service image.
#
#   docker build -t jobber-auth .
#   docker run --rm -p 3000:3000 jobber-auth                     # demo: SQLite in /app/data
#   docker run --rm -p 3000:3000 -v auth-data:/app/data jobber-auth   # the same, kept across runs
#   docker run --rm -p 3000:3000 -e AUTH_DATABASE_URL=postgres://user:pass@host:5432/auth jobber-auth
#
# Stages: chef (toolchain + cargo-chef) -> planner (dependency recipe) -> builder (dependencies cooked
# as their own cached layer, then the workspace) -> runtime (distroless, non-root, the binary only).

# Keep RUST_VERSION equal to `rust-version` in the workspace Cargo.toml and the msrv job's toolchain in
# .github/workflows/ci.yml; bootstrap/tests/packaging/ fails when they differ. The builder is Debian 12
# (bookworm) so the binary links against the same glibc as the distroless cc-debian12 runtime.
ARG RUST_VERSION=1.94
ARG CARGO_CHEF_VERSION=0.1.78

FROM rust:${RUST_VERSION}-slim-bookworm AS chef
ARG CARGO_CHEF_VERSION
RUN cargo install cargo-chef --locked --version "${CARGO_CHEF_VERSION}" \
    && rm -rf "${CARGO_HOME}/registry" "${CARGO_HOME}/git"
# Set here so the cook and the final build share one profile (a mismatch would rebuild every
# dependency): drop debug info, keep symbol names for panic backtraces.
ENV CARGO_PROFILE_RELEASE_STRIP=debuginfo
WORKDIR /app

# The recipe lists manifests and the lockfile only, so the cook layer below stays cached until a
# dependency changes, not whenever a source file does.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
# The slim image's gcc also compiles the SQLite that sqlx bundles, so the binary needs no libsqlite3.
RUN cargo chef cook --release --locked -p jobber-auth --bin auth --recipe-path recipe.json
# No live database is needed: there are no sqlx query macros, and `sqlx::migrate!` embeds
# migrations/postgres and migrations/sqlite at compile time, which is why migrations/ must be in the
# build context (see .dockerignore).
COPY . .
# The runtime has no shell to mkdir with, so its SQLite directory is made here, to be copied over
# with its owner set.
RUN cargo build --release --locked -p jobber-auth --bin auth \
    && mkdir -p /rootfs/app/data

# distroless/cc: glibc, libgcc and CA certificates; no shell, no package manager.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="jobber-auth" \
      org.opencontainers.image.description="Auth service of the Jobber job engine: GraphQL over axum, on SQLite or PostgreSQL" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=builder /app/target/release/auth /usr/local/bin/auth
WORKDIR /app
# 65532 is distroless's `nonroot`. Without AUTH_DATABASE_URL the service keeps its data in SQLite at
# AUTH_SQLITE_PATH, by default data/auth.db under this WORKDIR, with its -wal and -shm files beside
# it; that directory must exist and be writable by the service's user, since /app itself is root's.
COPY --from=builder --chown=65532:65532 /rootfs/app/data /app/data
# A fresh named or anonymous volume starts as a copy of this directory, owner included; a bind mount
# must itself be writable by uid 65532.
VOLUME ["/app/data"]
# Configuration comes from the environment (see bootstrap/src/settings/); the file auth.toml may
# also be mounted at /app/auth.toml. A postgres:// AUTH_DATABASE_URL switches storage to PostgreSQL.
# Unknown AUTH_* variables are refused at start, so set only the documented ones.
ENV AUTH_LOG_FORMAT=json \
    PORT=3000
# Numeric, so that runAsNonRoot-style checks can verify it without reading /etc/passwd.
USER 65532:65532
EXPOSE 3000
# No HEALTHCHECK: distroless has no shell or curl to run one, and the binary has no probe command.
# Liveness is GET /api/health and readiness GET /api/ready (200 only while the database answers);
# point the orchestrator's HTTP probes at those. docker-compose.yml orders start-up through the
# database's own healthcheck instead.
# Exec form, so `auth` is PID 1 and receives SIGTERM directly for its graceful shutdown.
ENTRYPOINT ["/usr/local/bin/auth"]
CMD ["serve"]
