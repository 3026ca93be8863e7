-- Accounts, server-side sessions, sign-in throttling, productions, members and invitations.

create schema if not exists tower_sessions;

create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry_date_idx on tower_sessions.session (expiry_date);

create table app_user (
    user_id bigint generated always as identity primary key,
    email text not null,
    name text not null,
    password_hash text not null,
    is_admin boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint app_user_email_key unique (email),
    constraint app_user_email_lower check (email = lower(email))
);

-- One row per failed sign-in; counted per account and per client address over a window.
create table sign_in_failure (
    sign_in_failure_id bigint generated always as identity primary key,
    email text not null,
    client_addr text not null,
    failed_at timestamptz not null default now()
);
create index sign_in_failure_email_idx on sign_in_failure (email, failed_at);
create index sign_in_failure_client_addr_idx on sign_in_failure (client_addr, failed_at);

create table production (
    production_id bigint generated always as identity primary key,
    title text not null,
    kind text not null,
    phase text not null,
    time_zone text not null,
    currency text not null,
    agreement text not null,
    notice_hours integer not null default 48,
    ic_account_code text not null,
    created_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint production_title_length check (length(title) between 1 and 200),
    constraint production_kind_check check (kind in ('feature', 'series', 'short', 'stage')),
    constraint production_phase_check check (
        phase in ('development', 'pre_production', 'production', 'post_production', 'wrapped')),
    constraint production_currency_check check (currency ~ '^[A-Z]{3}$'),
    constraint production_agreement_check check (
        agreement in ('sag_aftra', 'equity_uk', 'actra', 'non_union')),
    constraint production_notice_hours_check check (notice_hours between 0 and 720)
);

create table member (
    member_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    user_id bigint not null references app_user (user_id) on delete cascade,
    role text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint member_production_user_key unique (production_id, user_id),
    constraint member_role_check check (role in ('producer', 'coordinator', 'director', 'performer'))
);
create index member_user_idx on member (user_id);

-- Invitation tokens are stored as SHA-256 hashes: the link itself exists only in the
-- invitee's hands.
create table invitation (
    invitation_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    email text not null,
    role text not null,
    token_hash text not null,
    invited_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    accepted_by bigint references app_user (user_id) on delete set null,
    revoked_at timestamptz,
    constraint invitation_token_hash_key unique (token_hash),
    constraint invitation_role_check check (role in ('producer', 'coordinator', 'director', 'performer'))
);
create index invitation_production_idx on invitation (production_id, created_at);
