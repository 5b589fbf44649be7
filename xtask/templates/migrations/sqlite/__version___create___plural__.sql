-- {{ plural.prose | capitalize }} of the {{ name }} service, for the embedded SQLite store. Same rules as
-- migrations/postgres.
--
-- AUTOINCREMENT so that an id is never reused after a delete, like PostgreSQL's identity column.
-- Timestamps are integer microseconds since the Unix epoch: PostgreSQL's precision, and they compare
-- and order as numbers. Booleans are 0 or 1.
CREATE TABLE {{ plural.snake }} (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL CHECK (owner_id > 0),
{% for f in fields %}
{% if f.kind == "string" %}
    {{ f.name }} TEXT{% if not f.optional %} NOT NULL{% endif %},
{% elif f.kind == "bool" %}
    {{ f.name }} INTEGER{% if not f.optional %} NOT NULL{% endif %} CHECK ({{ f.name }} IN (0, 1)),
{% else %}
    {{ f.name }} INTEGER{% if not f.optional %} NOT NULL{% endif %},
{% endif %}
{% endfor %}
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT {{ plural.snake }}_updated_after_created CHECK (updated_at >= created_at)
) STRICT;

-- A caller's rows in id order: every lookup and every keyset page reads it.
CREATE INDEX {{ plural.snake }}_owner_id_id ON {{ plural.snake }} (owner_id, id);
