-- On set and after: pauses on a shoot day (R10), on-the-day reconfirmations with narrowings and
-- closures (R11), and the post-production review of each flagged scene's cut.

-- A pause of one scene on one shoot day, pressed by a performer in it or a coordinator. No
-- reason is asked, so none is stored; a coordinator records it resolved, with an optional note.
create table pause (
    pause_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    paused_by bigint references app_user (user_id) on delete set null,
    -- The pauser's role when they pressed: 'performer' or 'coordinator'.
    paused_as text not null,
    paused_at timestamptz not null default now(),
    resolved_at timestamptz,
    resolved_by bigint references app_user (user_id) on delete set null,
    resolution_note text not null default '',
    constraint pause_paused_as_check check (paused_as in ('performer', 'coordinator')),
    constraint pause_note_check check (length(resolution_note) <= 2000)
);
create index pause_day_idx on pause (shoot_day_id, paused_at);
create index pause_scene_idx on pause (scene_id, paused_at);
create index pause_production_idx on pause (production_id, resolved_at);
-- A second press by the same person while their pause is open is the same pause.
create unique index pause_open_key on pause (shoot_day_id, scene_id, paused_by)
    where resolved_at is null;

-- A performer's consent reconfirmed by the coordinator before the first take of a scene on a
-- shoot day. `narrowed` holds what they took back (a consent::clearance::Narrowing) against the
-- rider that was valid then; it blocks what it removes from then on, like a revocation in part.
create table reconfirmation (
    reconfirmation_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    rider_id bigint references rider (rider_id) on delete restrict,
    narrowed jsonb not null default '{}',
    narrowed_count integer not null default 0,
    confirmed_at timestamptz not null,
    recorded_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint reconfirmation_narrowed_count_check check (narrowed_count >= 0)
);
create index reconfirmation_day_idx on reconfirmation (shoot_day_id, scene_id);
create index reconfirmation_production_idx on reconfirmation (production_id, scene_id);

-- The closure / step-out after wrap: one per performer, scene and shoot day.
create table closure (
    closure_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    closed_at timestamptz not null,
    recorded_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint closure_key unique (shoot_day_id, scene_id, cast_member_id)
);
create index closure_production_idx on closure (production_id, shoot_day_id);

-- The coordinator's review of the cut of a flagged scene, for producers.
create table post_review (
    post_review_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete cascade,
    reviewed_on date not null,
    outcome text not null,
    notes text not null default '',
    recorded_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    constraint post_review_outcome_check check (
        outcome in ('as_agreed', 'changes_requested', 'footage_removed')),
    constraint post_review_notes_check check (length(notes) <= 4000)
);
create index post_review_scene_idx on post_review (scene_id, reviewed_on desc);
create index post_review_production_idx on post_review (production_id);

-- A narrowing on the day is a consent event like a revocation in part: it joins the ledger.
alter table consent_event drop constraint consent_event_event_check;
alter table consent_event add constraint consent_event_event_check check (
    event in ('drafted', 'delivered', 'viewed', 'signed', 'revoked', 'superseded',
              'double_assigned', 'narrowed'));
