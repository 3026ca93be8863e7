-- Password resets. A link is issued to an account (by e-mail, or by a producer or coordinator
-- when no e-mail is configured); only the SHA-256 of its token is kept. It works once, until
-- it expires or a newer link for the same account supersedes it.
create table password_reset (
    password_reset_id bigint generated always as identity primary key,
    user_id bigint not null references app_user (user_id) on delete cascade,
    token_hash text not null,
    -- Who made the link on the members page; null when the account's owner asked by e-mail.
    issued_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    superseded_at timestamptz,
    constraint password_reset_token_hash_key unique (token_hash)
);
create index password_reset_user_idx on password_reset (user_id, created_at);

-- Every request for a reset e-mail, whether or not an account uses the address, so requests
-- are limited per address typed and per client address without revealing which addresses have
-- accounts.
create table password_reset_request (
    password_reset_request_id bigint generated always as identity primary key,
    email text not null,
    client_addr text not null,
    requested_at timestamptz not null default now()
);
create index password_reset_request_email_idx on password_reset_request (email, requested_at);
create index password_reset_request_client_addr_idx
    on password_reset_request (client_addr, requested_at);
