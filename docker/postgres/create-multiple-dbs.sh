#!/usr/bin/env bash
# Creates one database per name in POSTGRES_MULTIPLE_DATABASES (comma-separated, e.g.
# "auth,jobs,executor"), each owned by POSTGRES_USER, so that one PostgreSQL container can serve
# several services.
#
# The official postgres image runs the scripts in /docker-entrypoint-initdb.d/ once, when it
# initialises an empty data directory; to pick up a changed list later, remove the data volume
# (`docker compose down -v`) or create the database by hand. Each service also creates its own
# database on start if it is missing.
#
# Idempotent: a database that already exists (POSTGRES_DB, say) is left as it is. Names are quoted
# as identifiers, so any name is passed to PostgreSQL as written.
set -euo pipefail

databases="${POSTGRES_MULTIPLE_DATABASES:-}"
owner="${POSTGRES_USER:-postgres}"

# No `exit` below: should the executable bit be lost, the image's entrypoint sources the script
# instead of running it, and an exit would end the entrypoint itself.
if [[ -z "${databases//[[:space:],]/}" ]]; then
    echo "create-multiple-dbs: POSTGRES_MULTIPLE_DATABASES is empty; nothing to do"
    names=()
else
    IFS=',' read -r -a names <<<"${databases}"
fi

for name in "${names[@]}"; do
    # Trim surrounding whitespace: "auth, jobs" means "auth" and "jobs".
    name="${name#"${name%%[![:space:]]*}"}"
    name="${name%"${name##*[![:space:]]}"}"
    [[ -n "${name}" ]] || continue

    echo "create-multiple-dbs: ensuring database \"${name}\" owned by \"${owner}\""
    # CREATE DATABASE cannot run inside a function or DO block, so build the statement with
    # format(%I) and run it with \gexec only when the database is missing.
    psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${owner}" --dbname postgres \
        --set db="${name}" --set owner="${owner}" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = :'db')\gexec
SQL
done
