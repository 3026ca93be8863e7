-- IC budget lines per production (DOMAIN §2) and the settings the R12 forecast uses.
-- Amounts are integers in minor units of the production's currency; quantities in hundredths.

create table budget_line (
    budget_line_id bigint generated always as identity primary key,
    production_id bigint not null references production (production_id) on delete cascade,
    account_code text not null,
    category text not null,
    description text not null,
    -- 2.5 days is 250: exact, never a float.
    quantity_hundredths bigint not null,
    unit_rate bigint not null,
    planned bigint not null,
    -- Spent to date; 0 until invoices arrive.
    actual bigint not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint budget_line_category_check
        check (category in ('prep', 'rehearsal', 'shoot', 'post', 'garments', 'other')),
    constraint budget_line_account_code_check check (length(account_code) between 1 and 40),
    constraint budget_line_description_check check (length(description) between 1 and 300),
    constraint budget_line_quantity_check check (quantity_hundredths >= 0),
    constraint budget_line_unit_rate_check check (unit_rate >= 0),
    constraint budget_line_planned_check check (planned >= 0),
    constraint budget_line_actual_check check (actual >= 0)
);
-- The budget page lists a production's lines by category.
create index budget_line_production_idx on budget_line (production_id, category, budget_line_id);

-- One row per production once a producer saves settings; until then the defaults below apply
-- (the code reads them with the same defaults when the row is missing).
create table budget_setting (
    production_id bigint primary key references production (production_id) on delete cascade,
    -- IC prep per flagged scene, in hundredths of a day: 50 is half a day.
    prep_hundredths_per_scene integer not null default 50,
    -- IC review of the edit per flagged scene, in hundredths of a day.
    post_hundredths_per_scene integer not null default 100,
    -- The IC's day rate in minor units; null means "use the average rate of the lines".
    ic_day_rate bigint,
    updated_at timestamptz not null default now(),
    constraint budget_setting_prep_check check (prep_hundredths_per_scene between 0 and 10000),
    constraint budget_setting_post_check check (post_hundredths_per_scene between 0 and 10000),
    constraint budget_setting_rate_check check (ic_day_rate >= 0)
);
