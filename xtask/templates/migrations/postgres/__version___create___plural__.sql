-- {{ plural.prose | capitalize }} of the {{ name }} service, each owned by the auth-service account that
-- created it (owner_id is that account's id; the account itself lives in the auth service's database).
-- Every read and write names the owner, so one caller never reaches another's rows.
CREATE TABLE {{ plural.snake }} (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT      NOT NULL CHECK (owner_id > 0),
{% for f in fields %}
{% set t %}{% if f.kind == "string" %}TEXT{% elif f.kind == "int" %}INTEGER{% elif f.kind == "bool" %}BOOLEAN{% else %}TIMESTAMPTZ{% endif %}{% endset %}
    {{ f.name }} {{ t }}{% if not f.optional %} NOT NULL{% endif %},
{% endfor %}
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT {{ plural.snake }}_updated_after_created CHECK (updated_at >= created_at)
);

-- A caller's rows in id order: every lookup and every keyset page reads it.
CREATE INDEX {{ plural.snake }}_owner_id_id ON {{ plural.snake }} (owner_id, id);
