-- Languages (issue #17): the language a person chose on their account page (none: follow the
-- browser), and the language a production's pages fall back to for people who chose none and
-- whose browser asks for no shipped language (none: English). Codes are the folder names of
-- locales/; one no longer shipped is passed over when read, so no list of codes is kept here.

alter table app_user add column language text
    constraint app_user_language_code check (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');

alter table production add column default_language text
    constraint production_default_language_code
        check (default_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');
