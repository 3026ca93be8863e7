-- A call sheet a 1st AD would hand out (issue #15, point 3): locations with their address,
-- parking, nearest hospital and coordinates (for sunrise and sunset); on each shoot day its
-- location and a weather line; and each cast member's calls that day.

create table location (
    location_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    name text not null,
    address text not null default '',
    parking text not null default '',
    hospital_name text not null default '',
    hospital_address text not null default '',
    hospital_phone text not null default '',
    latitude double precision,
    longitude double precision,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint location_name_key unique (production_id, name),
    constraint location_name_length check (char_length(name) between 1 and 1000),
    constraint location_text_length check (
        char_length(address) <= 20000 and char_length(parking) <= 20000
        and char_length(hospital_name) <= 1000 and char_length(hospital_address) <= 20000
        and char_length(hospital_phone) <= 1000),
    constraint location_coordinates_range check (
        (latitude is null) = (longitude is null)
        and (latitude is null or (latitude between -90 and 90 and longitude between -180 and 180)))
);
create index location_production_idx on location (production_id, name);

alter table shoot_day
    add column location_id bigint references location (location_id) on delete set null,
    add column weather text not null default '',
    add constraint shoot_day_weather_length check (char_length(weather) <= 1000);
create index shoot_day_location_idx on shoot_day (location_id);

-- Times as instants, shown on the production's clocks like every call.
create table cast_call (
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    cast_member_id bigint not null references cast_member (cast_member_id) on delete cascade,
    production_id bigint not null references production (production_id) on delete cascade,
    pickup_at timestamptz,
    makeup_at timestamptz,
    on_set_at timestamptz,
    primary key (shoot_day_id, cast_member_id)
);
create index cast_call_cast_member_idx on cast_call (cast_member_id);
create index cast_call_production_idx on cast_call (production_id);

-- Locations and calls are on call sheets, which the dashboard's cache does not summarise, but a
-- day's page shows them: writes move the revision like the schedule's own tables.
create trigger location_insert_bumps_revision after insert on location
    referencing new table as n for each statement execute function bump_production_revisions();
create trigger location_update_bumps_revision after update on location
    referencing new table as n old table as o
    for each statement execute function bump_production_revisions();
create trigger location_delete_bumps_revision after delete on location
    referencing old table as o for each statement execute function bump_production_revisions();
create trigger cast_call_insert_bumps_revision after insert on cast_call
    referencing new table as n for each statement execute function bump_production_revisions();
create trigger cast_call_update_bumps_revision after update on cast_call
    referencing new table as n old table as o
    for each statement execute function bump_production_revisions();
create trigger cast_call_delete_bumps_revision after delete on cast_call
    referencing old table as o for each statement execute function bump_production_revisions();
