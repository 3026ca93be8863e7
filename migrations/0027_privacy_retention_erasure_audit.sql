-- Personal data out of the consent ledger, retention after wrap, erasure on request, and an
-- append-only trail of administrative actions.

-- The signing device of a `signed` entry: the entry's details keep only
-- `client_sha256` = SHA-256(salt ‖ "\n" ‖ address ‖ "\n" ‖ user agent); the address and
-- browser live here, beside the ledger, and are deleted when the signer is erased. The salt
-- makes the hash say nothing once the row is gone (addresses are too few to hide otherwise).
create table consent_event_client (
    -- No foreign key: the ledger refuses truncation by its own trigger, and a key pointing at it
    -- would change how it refuses (PostgreSQL checks references first).
    consent_event_id bigint primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    salt text not null,
    client_addr text not null,
    user_agent text not null,
    constraint consent_event_client_salt_check check (salt ~ '^[0-9a-f]{64}$')
);
create index consent_event_client_production_idx on consent_event_client (production_id);

-- When a production was wrapped: its records are kept for the retention period after it.
alter table production add column wrapped_at timestamptz;
update production set wrapped_at = updated_at where phase = 'wrapped';
create function production_mark_wrapped() returns trigger
language plpgsql as $$
begin
    if new.phase = 'wrapped' and old.phase <> 'wrapped' then
        new.wrapped_at := now();
    elsif new.phase <> 'wrapped' then
        new.wrapped_at := null;
    end if;
    return new;
end
$$;
create trigger production_mark_wrapped
    before update of phase on production
    for each row execute function production_mark_wrapped();

-- How long personal records are kept after wrap; without a row, the agreement's default.
create table retention_setting (
    production_id bigint primary key references production (production_id) on delete cascade,
    months integer not null,
    updated_by bigint references app_user (user_id) on delete set null,
    updated_at timestamptz not null default now(),
    constraint retention_setting_months_check check (months between 1 and 240)
);

-- A performer's request to have their personal data in a production erased, and the
-- producer's approval (which carries it out). When the production erases itself at the end of
-- retention, `erased_at` on the production says so.
create table erasure_request (
    erasure_request_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    requested_by bigint references app_user (user_id) on delete set null,
    requested_at timestamptz not null default now(),
    approved_by bigint references app_user (user_id) on delete set null,
    carried_out_at timestamptz,
    constraint erasure_request_once_key unique (cast_member_id)
);
create index erasure_request_production_idx on erasure_request (production_id);
alter table production add column erased_at timestamptz;
alter table cast_member add column erased_at timestamptz;

-- Administrative actions: who changed membership or roles, rotated keys or erased data.
-- Ids and words only, never names, so erasure leaves it whole.
create table admin_audit (
    admin_audit_id bigint generated always as identity primary key,
    production_id bigint references production (production_id) on delete cascade,
    actor_user_id bigint,
    action text not null,
    subject_user_id bigint,
    subject_cast_member_id bigint,
    detail text not null default '',
    occurred_at timestamptz not null default now(),
    constraint admin_audit_action_check check (action in (
        'member_added', 'role_changed', 'member_removed', 'keys_rotated',
        'erasure_requested', 'erasure_approved', 'production_erased', 'retention_changed')),
    constraint admin_audit_detail_length check (length(detail) <= 200)
);
create index admin_audit_production_idx on admin_audit (production_id, occurred_at desc);

create function admin_audit_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'the audit trail is append-only: % is refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;
create trigger admin_audit_append_only
    before update or delete on admin_audit
    for each row execute function admin_audit_refuse_change();
create trigger admin_audit_no_truncate
    before truncate on admin_audit
    for each statement execute function admin_audit_refuse_change();
