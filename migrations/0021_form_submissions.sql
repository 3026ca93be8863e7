-- One-time submission keys of forms (web::once): a key claimed by the first copy of a form, and
-- where that copy's answer led, so a second copy of the same form is answered with it.
create table form_submission (
    once_key text not null,
    path text not null,
    location text,
    created_at timestamptz not null default now(),
    primary key (once_key, path)
);

create index form_submission_created_at on form_submission (created_at);
