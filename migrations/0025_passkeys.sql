-- Passkeys (WebAuthn, ES256 only): sign in without a password, and sign a rider in place of
-- the password. Only the public key is kept; no attestation is stored.
create table passkey (
    passkey_id bigserial primary key,
    user_id bigint not null references app_user (user_id) on delete cascade,
    credential_id bytea not null,
    -- The P-256 public key as an uncompressed SEC1 point (65 bytes).
    public_key bytea not null,
    -- The authenticator's signature counter: a counter that goes backwards means a copied
    -- credential, so the last one seen is kept (0 for authenticators that keep none).
    sign_count bigint not null default 0,
    name text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    constraint passkey_credential_id_key unique (credential_id),
    constraint passkey_sign_count_check check (sign_count between 0 and 4294967295),
    constraint passkey_public_key_check check (length(public_key) = 65)
);
create index passkey_user_idx on passkey (user_id);
