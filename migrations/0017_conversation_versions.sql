-- Conversation logs without silent edits: every save appends a version (who saved it, when,
-- what it said, who was there); `conversation` and `conversation_performer` keep the newest,
-- which lists and the first-meeting rule (R6) read. A joint conversation keeps a confidential
-- note per performer, which only that performer and the coordinators read.

create table conversation_version (
    conversation_version_id bigint generated always as identity primary key,
    conversation_id bigint not null references conversation (conversation_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    version integer not null,
    kind text not null,
    held_at timestamptz not null,
    -- The coordinator's record of the whole conversation.
    summary text not null default '',
    recorded_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint conversation_version_number_key unique (conversation_id, version),
    constraint conversation_version_kind_check check (kind in (
        'first_one_to_one', 'scene_preparation', 'rehearsal_check_in',
        'on_the_day_reconfirmation', 'closure', 'other'))
);
create index conversation_version_production_idx on conversation_version (production_id);

-- Who took part in a version, with the note only they (and coordinators) read.
create table conversation_version_performer (
    conversation_version_id bigint not null
        references conversation_version (conversation_version_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    note text not null default '',
    primary key (conversation_version_id, cast_member_id),
    constraint conversation_version_performer_note_length check (length(note) <= 20000)
);
create index conversation_version_performer_cast_member_idx
    on conversation_version_performer (cast_member_id);

-- A saved version is a record: the database refuses to change or remove one.
create function conversation_version_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'conversation versions are append-only: % is refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger conversation_version_append_only
    before update or delete on conversation_version
    for each row execute function conversation_version_refuse_change();
create trigger conversation_version_no_truncate
    before truncate on conversation_version
    for each statement execute function conversation_version_refuse_change();
create trigger conversation_version_performer_append_only
    before update or delete on conversation_version_performer
    for each row execute function conversation_version_refuse_change();
create trigger conversation_version_performer_no_truncate
    before truncate on conversation_version_performer
    for each statement execute function conversation_version_refuse_change();

-- Every conversation logged so far becomes its version 1, as it reads today. Its text was
-- saved at `updated_at`; who saved it is known only if it was never edited in place.
insert into conversation_version (conversation_id, production_id, version, kind, held_at,
                                  summary, recorded_by, created_at)
select conversation_id, production_id, 1, kind, held_at, summary,
       case when updated_at = created_at then created_by end, updated_at
from conversation;

-- Who was there, with no notes yet: the summary stays where it was, read by the coordinators
-- and, in a conversation only ever with one performer, by that performer.
insert into conversation_version_performer (conversation_version_id, cast_member_id,
                                            production_id)
select v.conversation_version_id, cp.cast_member_id, cp.production_id
from conversation_performer cp
join conversation_version v on v.conversation_id = cp.conversation_id and v.version = 1;
