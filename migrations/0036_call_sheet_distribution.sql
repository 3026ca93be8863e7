-- Call sheet distribution (issue #15, point 4): the AD publishes a version of a day's call
-- sheet; each recipient gets a copy (what they may see, as it was at publishing) behind a
-- personal link, and the AD sees per person when it was sent, opened and confirmed.

create table call_sheet_version (
    call_sheet_version_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    version integer not null,
    published_at timestamptz not null default now(),
    published_by bigint references app_user (user_id) on delete set null,
    -- One fact a line ("Crew call: 07:00 GMT"), compared line by line with the next version.
    summary text not null default '',
    -- What changed since the version before, one line each; empty for the first.
    changes text not null default '',
    constraint call_sheet_version_key unique (shoot_day_id, version),
    constraint call_sheet_version_positive check (version between 1 and 100000),
    constraint call_sheet_version_text_length check (
        char_length(summary) <= 100000 and char_length(changes) <= 100000)
);
create index call_sheet_version_production_idx on call_sheet_version (production_id);

-- Only the link token's SHA-256 is kept; the link reaches the recipient in their notice.
-- Copies carry no production_id of their own (their version does): opening one is no change
-- to anything a cached page summarises, so it does not move the production's revision.
create table call_sheet_copy (
    call_sheet_copy_id bigint generated always as identity primary key,
    call_sheet_version_id bigint not null
        references call_sheet_version (call_sheet_version_id) on delete cascade,
    user_id bigint not null references app_user (user_id) on delete cascade,
    token_sha256 text not null,
    body_html text not null,
    sent_at timestamptz not null default now(),
    opened_at timestamptz,
    confirmed_at timestamptz,
    constraint call_sheet_copy_token_key unique (token_sha256),
    constraint call_sheet_copy_recipient_key unique (call_sheet_version_id, user_id),
    constraint call_sheet_copy_body_length check (char_length(body_html) <= 1000000)
);
create index call_sheet_copy_user_idx on call_sheet_copy (user_id);

create trigger call_sheet_version_insert_bumps_revision after insert on call_sheet_version
    referencing new table as n for each statement execute function bump_production_revisions();
create trigger call_sheet_version_update_bumps_revision after update on call_sheet_version
    referencing new table as n old table as o
    for each statement execute function bump_production_revisions();
create trigger call_sheet_version_delete_bumps_revision after delete on call_sheet_version
    referencing old table as o for each statement execute function bump_production_revisions();
