-- Field-level encryption (src/vault/): data keys wrapped by a master key kept outside the
-- database, and a sealed (`bytea`) twin beside each most sensitive text column. New rows keep
-- the clear column empty; rows written before are sealed once at start-up, which empties
-- their clear column. A destroyed key keeps its row (so sealed values say "erased", not
-- "unknown") but loses its wrapped bytes.

create table data_key (
    data_key_id bigint generated always as identity primary key,
    -- Null for an account's own key (its second factor), which is in no production.
    production_id bigint references production (production_id) on delete cascade,
    -- `production/<id>`, `production/<id>/cast/<id>`, `production/<id>/user/<id>`, `user/<id>`.
    scope text not null,
    master_version integer not null,
    wrapped bytea,
    created_at timestamptz not null default now(),
    rewrapped_at timestamptz,
    destroyed_at timestamptz,
    constraint data_key_destroyed_check check ((wrapped is null) = (destroyed_at is not null)),
    constraint data_key_scope_check check (scope ~ '^(production/[0-9]+(/(cast|user)/[0-9]+)?|user/[0-9]+)$')
);
create unique index data_key_scope_key on data_key (scope) where destroyed_at is null;
create index data_key_production_idx on data_key (production_id);

alter table boundary_profile_version
    add column entries_sealed bytea,
    add column notes_sealed bytea;
alter table conversation add column summary_sealed bytea;
alter table conversation_version add column summary_sealed bytea;
alter table conversation_version_performer add column note_sealed bytea;
alter table follow_up add column body_sealed bytea;
alter table concern add column body_sealed bytea;
alter table concern_follow_up add column note_sealed bytea;
alter table rider add column body_sealed bytea;
alter table user_totp add column secret_sealed bytea;
alter table user_totp alter column secret drop not null;

-- The length limits now hold for what is typed (checked by the forms); a sealed concern keeps
-- an empty clear column.
alter table concern drop constraint concern_body_length;
alter table concern add constraint concern_body_length check (length(body) <= 10000);

-- Saved conversation versions stay append-only, with one exception: a version written before
-- encryption may have its clear text replaced, once, by its sealed form (the start-up sweep).
-- Nothing else about the row may change, and a sealed or empty text never changes again.
create or replace function conversation_version_refuse_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' and tg_table_name = 'conversation_version'
       and old.summary <> '' and old.summary_sealed is null
       and new.summary = '' and new.summary_sealed is not null
       and (new.conversation_version_id, new.conversation_id, new.production_id, new.version,
            new.kind, new.held_at, new.recorded_by, new.created_at)
           is not distinct from
           (old.conversation_version_id, old.conversation_id, old.production_id, old.version,
            old.kind, old.held_at, old.recorded_by, old.created_at) then
        return new;
    end if;
    if tg_op = 'UPDATE' and tg_table_name = 'conversation_version_performer'
       and old.note <> '' and old.note_sealed is null
       and new.note = '' and new.note_sealed is not null
       and (new.conversation_version_id, new.cast_member_id, new.production_id)
           is not distinct from
           (old.conversation_version_id, old.cast_member_id, old.production_id) then
        return new;
    end if;
    raise exception 'conversation versions are append-only: % is refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;
