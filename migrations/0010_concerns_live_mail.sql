-- Concerns (R13) routed to chosen recipients, the union reporting line per production,
-- e-mail preferences, and the per-notification e-mail claim that lets several server
-- processes share one database without sending a notice twice.

-- Set by the one server process that took the notice for e-mail (sent, skipped by
-- preference, or failed and logged): whoever sets it first sends, nobody else does.
alter table notification add column mailed_at timestamptz;
create index notification_unmailed_idx on notification (created_at) where mailed_at is null;

-- Which notices a person gets by e-mail, by category; no row means yes.
create table mail_preference (
    user_id bigint not null references app_user (user_id) on delete cascade,
    category text not null,
    by_email boolean not null,
    updated_at timestamptz not null default now(),
    constraint mail_preference_pkey primary key (user_id, category),
    constraint mail_preference_category_check check (
        category in ('revocation', 'pause', 'delivery', 'concern', 'other'))
);

-- `raised_by` is kept so the raiser can follow their concern; when `anonymous` it is never
-- shown to anyone, on any page, file, e-mail or notification.
create table concern (
    concern_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    raised_by bigint references app_user (user_id) on delete set null,
    anonymous boolean not null,
    body text not null,
    status text not null default 'open',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint concern_body_length check (length(body) between 1 and 10000),
    constraint concern_status_check check (status in ('open', 'in_progress', 'resolved'))
);
create index concern_production_idx on concern (production_id, created_at desc);
create index concern_raised_by_idx on concern (raised_by, created_at desc);

-- The people the raiser chose; nobody else sees the concern.
create table concern_recipient (
    concern_id bigint not null references concern (concern_id) on delete cascade,
    user_id bigint not null references app_user (user_id) on delete cascade,
    constraint concern_recipient_pkey primary key (concern_id, user_id)
);
create index concern_recipient_user_idx on concern_recipient (user_id);

-- Follow-up recorded by recipients: a status and a note the recipients share.
create table concern_follow_up (
    concern_follow_up_id bigint generated always as identity primary key,
    concern_id bigint not null references concern (concern_id) on delete cascade,
    author_user_id bigint references app_user (user_id) on delete set null,
    status text not null,
    note text not null default '',
    created_at timestamptz not null default now(),
    constraint concern_follow_up_status_check check (status in ('open', 'in_progress', 'resolved')),
    constraint concern_follow_up_note_length check (length(note) <= 5000)
);
create index concern_follow_up_concern_idx on concern_follow_up (concern_id, created_at);

-- A producer's own wording of the union reporting line; without a row the agreement's
-- placeholder text is shown.
create table concern_setting (
    production_id bigint primary key references production (production_id) on delete cascade,
    reporting_line text not null,
    updated_by bigint references app_user (user_id) on delete set null,
    updated_at timestamptz not null default now(),
    constraint concern_setting_reporting_line_length check (length(reporting_line) between 1 and 2000)
);
