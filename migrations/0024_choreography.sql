-- Choreography of flagged scenes (issue #20): versions of the beat list, kept like breakdown
-- versions. Planning data, not consent: a beat can only add a reason to block a scene
-- (rules::beats), never clear one, so clearance stays derivable from what the ledger binds.
create table choreography_version (
    choreography_version_id bigint generated always as identity primary key,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    version integer not null,
    beats jsonb not null,
    content_hash text not null,
    created_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint choreography_version_number_key unique (scene_id, version),
    constraint choreography_version_hash_check check (content_hash ~ '^[0-9a-f]{64}$')
);
-- Beats feed clearance (consent::status), which the cached producer dashboard shows: every
-- write moves the production's revision, once per statement, as 0013 set up for the others.
create trigger choreography_version_insert_bumps_revision after insert on choreography_version
    referencing new table as n for each statement execute function bump_production_revisions();
create trigger choreography_version_update_bumps_revision after update on choreography_version
    referencing new table as n old table as o
    for each statement execute function bump_production_revisions();
create trigger choreography_version_delete_bumps_revision after delete on choreography_version
    referencing old table as o for each statement execute function bump_production_revisions();

-- What a rehearsal did with one beat: rehearsed as written, changed or dropped, with a word
-- from each performer in it. `beat_hash` is the beat as it stood, so the day's page can tell
-- whether the beat is still the one rehearsed.
create table beat_rehearsal (
    beat_rehearsal_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    rehearsal_id bigint references rehearsal (rehearsal_id) on delete set null,
    beat_key bigint not null,
    beat_hash text not null,
    outcome text not null,
    check_ins jsonb not null default '[]',
    recorded_by bigint references app_user (user_id) on delete set null,
    recorded_at timestamptz not null default now(),
    constraint beat_rehearsal_outcome_check check (outcome in ('rehearsed', 'changed', 'dropped'))
);
create index beat_rehearsal_scene_idx on beat_rehearsal (scene_id, beat_key, recorded_at);

-- The crew briefing: sent to department heads as a link; each read is confirmed once.
create table crew_briefing_recipient (
    crew_briefing_recipient_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    name text not null,
    department text not null,
    token_sha256 text not null unique,
    sent_by bigint references app_user (user_id) on delete set null,
    sent_at timestamptz not null default now(),
    confirmed_at timestamptz
);
create index crew_briefing_recipient_production_idx on crew_briefing_recipient (production_id);
