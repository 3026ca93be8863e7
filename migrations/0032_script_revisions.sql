-- Script import and revisions: every confirmed draft with its revision colour and date, the
-- text of each scene as that draft wrote it (so the next draft can be compared with it), drafts
-- waiting for the coordinator's review, and flagged scenes whose script changed.

create table script_revision (
    script_revision_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    colour text not null,
    revised_on date not null,
    file_name text not null,
    imported_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint script_revision_file_name_length check (char_length(file_name) <= 300),
    constraint script_revision_date_range
        check (revised_on >= date '1900-01-01' and revised_on < date '2200-01-01')
);
create index script_revision_production_idx on script_revision (production_id, script_revision_id);

-- One row per scene per draft that had it: the lines after the heading, one element a line.
create table scene_script (
    scene_id bigint not null references scene (scene_id) on delete cascade,
    script_revision_id bigint not null
        references script_revision (script_revision_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    body text not null,
    primary key (scene_id, script_revision_id),
    constraint scene_script_body_length check (octet_length(body) <= 2000000)
);
create index scene_script_production_idx on scene_script (production_id);

-- A draft read and shown for review; nothing of it is saved to scenes until confirmed. The
-- scenes as read are kept (not the file), so what is confirmed is exactly what was shown.
create table script_import (
    script_import_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    user_id bigint not null references app_user (user_id) on delete cascade,
    file_name text not null,
    format text not null,
    colour text not null,
    revised_on date not null,
    scenes jsonb not null,
    confirmed_revision_id bigint references script_revision (script_revision_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint script_import_scenes_length check (octet_length(scenes::text) <= 8000000),
    constraint script_import_file_name_length check (char_length(file_name) <= 300)
);
create index script_import_production_idx on script_import (production_id, created_at);

-- A flagged scene whose script text changed in a draft: its breakdown waits for the
-- coordinator's review (saving the breakdown, or saying it still holds, clears it).
alter table scene
    add column script_review_revision_id bigint
        references script_revision (script_revision_id) on delete set null;
create index scene_script_review_idx on scene (production_id)
    where script_review_revision_id is not null;
