-- Cast, scenes with their intimacy breakdown versions, the shooting schedule, rehearsals and
-- private calendar feeds.

create table cast_member (
    cast_member_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    cast_number integer not null,
    name text not null,
    character_name text not null default '',
    date_of_birth date,
    union_name text not null default '',
    representative text not null default '',
    -- The performer's account, once they accept their invitation; null while on paper.
    user_id bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint cast_member_number_key unique (production_id, cast_number),
    constraint cast_member_user_key unique (production_id, user_id),
    constraint cast_member_number_check check (cast_number between 1 and 9999),
    constraint cast_member_name_check check (length(name) between 1 and 200)
);
create index cast_member_user_idx on cast_member (user_id);

-- An invitation can link the invitee's account to a cast member.
alter table invitation
    add column cast_member_id bigint references cast_member (cast_member_id) on delete cascade;

create table scene (
    scene_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    -- As scripts write it (12, 12A, A1); sort_key orders it in script order, byte-wise.
    number text not null,
    sort_key text not null,
    int_ext text not null,
    set_name text not null,
    time_of_day text not null,
    eighths integer not null,
    synopsis text not null default '',
    revision_colour text not null default 'white',
    omitted boolean not null default false,
    current_version_id bigint,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint scene_number_key unique (production_id, number),
    constraint scene_int_ext_check check (int_ext in ('int', 'ext', 'int_ext')),
    constraint scene_time_of_day_check check (time_of_day in ('day', 'night', 'dawn', 'dusk')),
    constraint scene_eighths_check check (eighths > 0)
);
create index scene_order_idx on scene (production_id, sort_key collate "C");

create table scene_cast (
    scene_id bigint not null references scene (scene_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    primary key (scene_id, cast_member_id)
);
create index scene_cast_cast_member_idx on scene_cast (cast_member_id);
create index scene_cast_production_idx on scene_cast (production_id);

-- Breakdown versions are immutable: every save that changes the breakdown appends one.
create table scene_version (
    scene_version_id bigint generated always as identity primary key,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    version integer not null,
    breakdown jsonb not null,
    content_hash text not null,
    flagged boolean not null,
    changes text[] not null default '{}',
    created_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint scene_version_number_key unique (scene_id, version),
    constraint scene_version_hash_check check (content_hash ~ '^[0-9a-f]{64}$')
);
create index scene_version_production_idx on scene_version (production_id);

alter table scene
    add constraint scene_current_version_fkey foreign key (current_version_id)
        references scene_version (scene_version_id) on delete set null;

create table shoot_day (
    shoot_day_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    shoot_date date not null,
    -- General call, as an instant; shown in the production's time zone.
    call_at timestamptz not null,
    unit text not null default 'Main unit',
    -- The intimacy coordinator on set that day.
    coordinator_user_id bigint references app_user (user_id) on delete set null,
    notes text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint shoot_day_date_unit_key unique (production_id, shoot_date, unit)
);
create index shoot_day_production_idx on shoot_day (production_id, shoot_date);

create table shoot_day_scene (
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    position integer not null,
    primary key (shoot_day_id, scene_id)
);
create index shoot_day_scene_scene_idx on shoot_day_scene (scene_id);
create index shoot_day_scene_production_idx on shoot_day_scene (production_id);

create table rehearsal (
    rehearsal_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    location text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint rehearsal_times_check check (ends_at > starts_at)
);
create index rehearsal_production_idx on rehearsal (production_id, starts_at);
create index rehearsal_scene_idx on rehearsal (scene_id);

create table rehearsal_cast (
    rehearsal_id bigint not null references rehearsal (rehearsal_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    primary key (rehearsal_id, cast_member_id)
);
create index rehearsal_cast_cast_member_idx on rehearsal_cast (cast_member_id);

-- One private feed per member; the token is stored hashed and shown once when made.
create table calendar_feed (
    member_id bigint primary key references member (member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    token_hash text not null,
    created_at timestamptz not null default now(),
    constraint calendar_feed_token_hash_key unique (token_hash)
);
