-- Values in range (issue #18): the database refuses what no form accepts, so a value that slips
-- past a form (or a hand-written insert) is refused rather than stored. The forms check first,
-- with a message beside the field (src/web/form.rs `Len`, src/rules/input_ranges.rs), so none
-- of these is reached from a page; each bound stands well outside the form's:
--   dates and instants: 1900-01-01 up to (not including) 2200-01-01 (forms: 2000-2099 for a
--   production's dates, 1900-today for dates of birth);
--   one-line text: 1,000 characters (forms: 100 or 300); paragraphs: 20,000 (forms: 5,000);
--   long text: 100,000 (forms: 20,000);
--   money: never negative, rates at most 10^9 minor units (forms: 1,000,000 of the currency),
--   amounts at most 10^12 (the same as the forms).
--
-- `not valid`: rows stored before this migration are not re-read (a database where the fuzz
-- already stored year 0000 still starts); every row written from now on is checked. After
-- repairing old rows, `alter table ... validate constraint ...` makes each one whole.

alter table app_user
    add constraint app_user_name_length check (char_length(name) <= 1000) not valid,
    add constraint app_user_email_length check (char_length(email) <= 1000) not valid;

alter table invitation
    add constraint invitation_email_length check (char_length(email) <= 1000) not valid;

alter table production
    add constraint production_ic_account_code_length
        check (char_length(ic_account_code) <= 100) not valid;

alter table cast_member
    add constraint cast_member_date_of_birth_range
        check (date_of_birth >= date '1900-01-01' and date_of_birth < date '2200-01-01') not valid,
    add constraint cast_member_character_name_length
        check (char_length(character_name) <= 1000) not valid,
    add constraint cast_member_union_name_length check (char_length(union_name) <= 1000) not valid,
    add constraint cast_member_representative_length
        check (char_length(representative) <= 1000) not valid;

alter table scene
    add constraint scene_number_length check (char_length(number) <= 100) not valid,
    add constraint scene_set_name_length check (char_length(set_name) <= 1000) not valid,
    add constraint scene_synopsis_length check (char_length(synopsis) <= 20000) not valid;

-- A breakdown holds a paragraph of acts per performer, garments and two name lists.
alter table scene_version
    add constraint scene_version_breakdown_length
        check (octet_length(breakdown::text) <= 4000000) not valid;

alter table shoot_day
    add constraint shoot_day_date_range
        check (shoot_date >= date '1900-01-01' and shoot_date < date '2200-01-01') not valid,
    add constraint shoot_day_call_at_range
        check (call_at >= timestamptz '1900-01-01 00:00:00+00'
               and call_at < timestamptz '2200-01-01 00:00:00+00') not valid,
    add constraint shoot_day_unit_length check (char_length(unit) <= 1000) not valid,
    add constraint shoot_day_notes_length check (char_length(notes) <= 20000) not valid;

alter table rehearsal
    add constraint rehearsal_times_range
        check (starts_at >= timestamptz '1900-01-01 00:00:00+00'
               and ends_at < timestamptz '2200-01-01 00:00:00+00') not valid,
    add constraint rehearsal_location_length check (char_length(location) <= 1000) not valid;

alter table boundary_profile_version
    add constraint boundary_profile_version_notes_length
        check (char_length(notes) <= 20000) not valid,
    add constraint boundary_profile_version_entries_length
        check (octet_length(entries::text) <= 4000000) not valid;

alter table conversation
    add constraint conversation_held_at_range
        check (held_at >= timestamptz '1900-01-01 00:00:00+00'
               and held_at < timestamptz '2200-01-01 00:00:00+00') not valid,
    add constraint conversation_summary_length check (char_length(summary) <= 100000) not valid;

alter table conversation_version
    add constraint conversation_version_held_at_range
        check (held_at >= timestamptz '1900-01-01 00:00:00+00'
               and held_at < timestamptz '2200-01-01 00:00:00+00') not valid,
    add constraint conversation_version_summary_length
        check (char_length(summary) <= 100000) not valid;

-- conversation_version_performer.note has its bound already (20,000, migration 0017).

alter table follow_up
    add constraint follow_up_due_on_range
        check (due_on >= date '1900-01-01' and due_on < date '2200-01-01') not valid,
    add constraint follow_up_body_length check (char_length(body) <= 20000) not valid;

alter table post_review
    add constraint post_review_reviewed_on_range
        check (reviewed_on >= date '1900-01-01' and reviewed_on < date '2200-01-01') not valid;

-- Concerns, their follow-ups and the reporting line have their bounds already (migration 0010).

alter table budget_line
    add constraint budget_line_quantity_range
        check (quantity_hundredths <= 100000000) not valid,
    add constraint budget_line_unit_rate_range check (unit_rate <= 1000000000) not valid,
    add constraint budget_line_planned_range check (planned <= 1000000000000) not valid,
    add constraint budget_line_actual_range check (actual <= 1000000000000) not valid;

alter table budget_setting
    add constraint budget_setting_rate_range check (ic_day_rate <= 1000000000) not valid;
