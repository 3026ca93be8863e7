# A production's settings (templates/productions/form.html, src/productions/).

production-new = New production
production-create-title = Create a production
production-settings = Production settings
production-title = Title
production-kind = Kind
production-phase = Phase
production-time-zone = Time zone
production-time-zone-hint = Where the production shoots. Call times and deadlines are shown in this zone.
production-currency = Currency
production-agreement = Agreement
production-notice = Notice period, in hours
production-notice-hint = How long before a call time a rider must be delivered. 48 hours is usual.
production-account-code = IC budget account code
production-account-code-hint = The budget account intimacy coordination is charged to.
production-language = Default language
production-language-hint = The language of this production's pages for people who have not chosen one and whose browser asks for none we have.
production-language-none = English (not set)
production-second-factor = Producers and coordinators must use a second factor
production-second-factor-hint = Producers and coordinators without two-step sign-in are sent to set it up before they reach this production's pages.
production-save = Save settings
production-create = Create production
production-created = { $title } is created. Invite your team next.
production-saved = The production's settings are saved.

production-title-invalid = Enter the production's title (at most 200 characters).
production-kind-invalid = Choose what kind of production this is.
production-phase-invalid = Choose the production's phase.
production-time-zone-invalid = Choose the time zone where the production shoots, e.g. Europe/London.
production-currency-invalid = Choose the currency the budget is kept in.
production-agreement-invalid = Choose the agreement the production works under.
production-notice-invalid = Enter the notice period in whole hours, from 0 to 720 (48 is usual).
production-account-code-invalid = Enter the budget account code for intimacy coordination, e.g. 2950 (letters, digits, - . /; at most 20).
production-language-invalid = Choose one of the languages in the list.

kind-feature = Feature film
kind-series = Series
kind-short = Short film
kind-stage = Stage show

phase-development = Development
phase-pre_production = Pre-production
phase-production = Production
phase-post_production = Post-production
phase-wrapped = Wrapped

agreement-sag_aftra = SAG-AFTRA
agreement-equity_uk = Equity UK
agreement-actra = ACTRA
agreement-non_union = Non-union
