-- Riders and the append-only consent ledger (DOMAIN §3).

create table rider (
    rider_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete restrict,
    -- Consent records outlive casting changes: a cast member with riders cannot be deleted.
    cast_member_id bigint not null references cast_member (cast_member_id) on delete restrict,
    status text not null default 'drafted',
    -- The exact text the performer reads; locked (and hashed) at delivery.
    body text not null default '',
    body_sha256 text,
    in_picture boolean not null default true,
    in_trailers boolean not null default false,
    in_stills boolean not null default false,
    double_allowed boolean not null default false,
    created_by bigint references app_user (user_id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    delivered_at timestamptz,
    viewed_at timestamptz,
    signed_at timestamptz,
    revoked_at timestamptz,
    superseded_at timestamptz,
    superseded_by bigint references rider (rider_id) on delete restrict,
    constraint rider_status_check check (
        status in ('drafted', 'delivered', 'viewed', 'signed', 'revoked', 'superseded')),
    constraint rider_body_sha256_check check (body_sha256 is null or body_sha256 ~ '^[0-9a-f]{64}$')
);
create index rider_production_idx on rider (production_id, status);
create index rider_cast_member_idx on rider (cast_member_id);

-- The scene versions a rider covers, with what it agrees to for each (a consent::scope::Scope).
create table rider_scene (
    rider_id bigint not null references rider (rider_id) on delete cascade,
    scene_id bigint not null references scene (scene_id) on delete restrict,
    scene_version_id bigint not null references scene_version (scene_version_id) on delete restrict,
    production_id bigint not null references production (production_id) on delete restrict,
    scope jsonb not null,
    primary key (rider_id, scene_id)
);
create index rider_scene_scene_idx on rider_scene (scene_id);
create index rider_scene_production_idx on rider_scene (production_id);

-- Every rider event, chained per production: entry_hash = sha256(prev_hash, content_hash).
create table consent_event (
    consent_event_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete restrict,
    seq bigint not null,
    event text not null,
    rider_id bigint references rider (rider_id) on delete restrict,
    actor_user_id bigint references app_user (user_id) on delete restrict,
    occurred_at timestamptz not null,
    details text not null,
    content_hash text not null,
    prev_hash text not null,
    entry_hash text not null,
    constraint consent_event_seq_key unique (production_id, seq),
    constraint consent_event_event_check check (
        event in ('drafted', 'delivered', 'viewed', 'signed', 'revoked', 'superseded',
                  'double_assigned'))
);
create index consent_event_rider_idx on consent_event (rider_id);

create function consent_event_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'the consent ledger is append-only: % is refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger consent_event_append_only
    before update or delete on consent_event
    for each row execute function consent_event_refuse_change();

create trigger consent_event_no_truncate
    before truncate on consent_event
    for each statement execute function consent_event_refuse_change();
