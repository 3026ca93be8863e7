-- The stripboard (issue #15, point 5): banners between strips (a meal, a company move, a note)
-- and a strip palette per production.

-- A banner sits in a day's running order after its `after_position`-th strip (0: before the
-- first). Strips move and leave; a position past the day's last strip shows at the day's end.
create table board_banner (
    board_banner_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    shoot_day_id bigint not null references shoot_day (shoot_day_id) on delete cascade,
    after_position integer not null,
    kind text not null,
    label text not null default '',
    created_at timestamptz not null default now(),
    constraint board_banner_kind_check check (kind in ('meal', 'company_move', 'note')),
    constraint board_banner_position_range check (after_position between 0 and 1000),
    constraint board_banner_label_length check (char_length(label) <= 1000)
);
create index board_banner_day_idx on board_banner (shoot_day_id, after_position);
create index board_banner_production_idx on board_banner (production_id);
-- Statement triggers as 0013 set up (its helper procedure is gone): the board's banners are on
-- the day pages, the call sheet and anything cached that shows a day.
create trigger board_banner_insert_bumps_revision after insert on board_banner
    referencing new table as n for each statement execute function bump_production_revisions();
create trigger board_banner_update_bumps_revision after update on board_banner
    referencing new table as n old table as o
    for each statement execute function bump_production_revisions();
create trigger board_banner_delete_bumps_revision after delete on board_banner
    referencing old table as o for each statement execute function bump_production_revisions();

-- Strip colours, one per INT/EXT × DAY/NIGHT, each a named swatch of the stylesheet (all
-- tints dark text reads on at AA contrast, src/schedule/palette.rs); null keeps the house colour.
alter table production
    add column strip_int_day text,
    add column strip_ext_day text,
    add column strip_int_night text,
    add column strip_ext_night text,
    add constraint production_strip_swatch_check check (
        coalesce(strip_int_day, 'white') in ('white', 'yellow', 'blue', 'green', 'pink', 'orange', 'lavender', 'grey')
        and coalesce(strip_ext_day, 'white') in ('white', 'yellow', 'blue', 'green', 'pink', 'orange', 'lavender', 'grey')
        and coalesce(strip_int_night, 'white') in ('white', 'yellow', 'blue', 'green', 'pink', 'orange', 'lavender', 'grey')
        and coalesce(strip_ext_night, 'white') in ('white', 'yellow', 'blue', 'green', 'pink', 'orange', 'lavender', 'grey'));
