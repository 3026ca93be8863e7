-- Boundary profiles, conversations and follow-ups, the access log, in-app notifications,
-- doubles (R4) and scenes marked shot (R3).

-- A performer's own statement of boundaries, versioned: every save appends one.
create table boundary_profile_version (
    boundary_profile_version_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    version integer not null,
    -- [{"area": "<body area>", "contact": "<kind of contact>", "answer": "yes|no|ask", "note": "…"}]
    entries jsonb not null,
    notes text not null default '',
    recorded_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint boundary_profile_version_number_key unique (cast_member_id, version)
);
create index boundary_profile_version_production_idx on boundary_profile_version (production_id);

create table conversation (
    conversation_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    kind text not null,
    held_at timestamptz not null,
    -- Confidential: coordinators and the performers involved only.
    summary text not null default '',
    created_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint conversation_kind_check check (kind in (
        'first_one_to_one', 'scene_preparation', 'rehearsal_check_in',
        'on_the_day_reconfirmation', 'closure', 'other'))
);
create index conversation_production_idx on conversation (production_id, held_at desc);

create table conversation_performer (
    conversation_id bigint not null references conversation (conversation_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    primary key (conversation_id, cast_member_id)
);
create index conversation_performer_cast_member_idx on conversation_performer (cast_member_id);

create table follow_up (
    follow_up_id bigint generated always as identity primary key,
    conversation_id bigint not null references conversation (conversation_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    body text not null,
    due_on date,
    done_at timestamptz,
    done_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now()
);
create index follow_up_production_idx on follow_up (production_id, done_at, due_on);

-- Who looked at a performer's records, for their "who viewed my records" page.
create table record_view (
    record_view_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    viewer_user_id bigint references app_user (user_id) on delete set null,
    record_kind text not null,
    record_id bigint,
    viewed_at timestamptz not null default now(),
    constraint record_view_kind_check check (record_kind in (
        'boundary_profile', 'rider', 'certificate', 'conversation'))
);
create index record_view_cast_member_idx on record_view (cast_member_id, viewed_at desc);

create table notification (
    notification_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    user_id bigint not null references app_user (user_id) on delete cascade,
    kind text not null,
    message text not null,
    link text not null default '',
    created_at timestamptz not null default now(),
    read_at timestamptz
);
create index notification_user_idx on notification (user_id, read_at, created_at desc);

-- A double standing in for a performer in one scene (R4).
create table scene_double (
    scene_id bigint not null references scene (scene_id) on delete cascade,
    original_cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    double_cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    assigned_by bigint references app_user (user_id) on delete set null,
    assigned_at timestamptz not null default now(),
    primary key (scene_id, original_cast_member_id),
    constraint scene_double_distinct_check check (original_cast_member_id <> double_cast_member_id)
);

-- Takes marked shot stay shot (R3): revocation afterwards does not touch them.
alter table shoot_day_scene
    add column shot_at timestamptz,
    add column shot_by bigint references app_user (user_id) on delete set null;
