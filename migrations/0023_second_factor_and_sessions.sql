-- Second factors (TOTP and its recovery codes), the sessions an account has open, and the
-- production setting that requires a second factor of producers and coordinators.

create table user_totp (
    user_id bigint primary key references app_user (user_id) on delete cascade,
    secret bytea not null,
    -- Null while being set up: the secret only counts once a code from it was typed.
    confirmed_at timestamptz,
    -- The last 30-second step whose code was accepted: no code of that step or before is
    -- accepted again, so a code seen over someone's shoulder cannot be replayed.
    last_step bigint,
    created_at timestamptz not null default now()
);

create table recovery_code (
    recovery_code_id bigserial primary key,
    user_id bigint not null references app_user (user_id) on delete cascade,
    code_hash text not null,
    used_at timestamptz,
    created_at timestamptz not null default now(),
    constraint recovery_code_hash_key unique (user_id, code_hash)
);

-- One row per signed-in session, keyed by a random key kept inside the session (never the
-- session id, which is the cookie's secret). A session whose row is gone is signed out at its
-- next request.
create table user_session (
    user_session_id bigserial primary key,
    session_key text not null,
    user_id bigint not null references app_user (user_id) on delete cascade,
    user_agent text not null,
    client_addr text not null,
    signed_in_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    constraint user_session_key_key unique (session_key)
);
create index user_session_user_idx on user_session (user_id, last_seen_at desc);

alter table production
    add column second_factor_required boolean not null default false;
