# Everything every page shows: the layout, the menus, the error pages, the home page, and how
# dates and numbers are written. English is the source: every other folder translates these keys.

language-name = English

## Layout (templates/base.html)

skip-link = Skip to content
nav-account = Account
nav-your-account = Your account
nav-notifications = Notifications
nav-unread = ({ $count } unread)
nav-sign-out = Sign out
nav-menu = Menu
footer-promise = Closed Set keeps intimate scenes planned, agreed and safe. Consent can be withdrawn at any time before a scene is shot.

## A production's sections (templates/productions/layout.html, menu_links.html)

nav-production = Production
nav-production-sections = Production sections
nav-scenes = Scenes
nav-schedule = Schedule
nav-cast = Cast
nav-riders = Riders
nav-boundaries = Boundaries
nav-conversations = Conversations
nav-record-views = Who viewed my records
nav-concerns = Concerns
nav-calendar = Calendar feed
nav-data-protection = Data protection
nav-members = Members
nav-briefing = Crew briefing
nav-budget = Budget
nav-settings = Settings

role-producer = Producer
role-coordinator = Intimacy coordinator
role-director = Director / 1st AD
role-performer = Performer

## The home page (templates/home.html)

home-title = Your productions
home-none = You are not a member of any production yet. A producer adds you by sending you an invitation link.
home-your-role = Your role:
home-create = Create a production

## Error pages (templates/error.html)

error-home = Go to your productions
error-code = Error { $status }
error-not-found-title = Page not found
error-not-found = There is nothing here, or it is not shared with you.
error-forbidden-title = Request refused
error-forbidden = This form was sent from another site or has expired. Go back, reload the page and try again.
error-unreadable-title = Some characters cannot be saved
error-unreadable = What you sent holds a character no field here can keep (a NUL byte or another control character, often from pasting). Nothing was saved. Go back, retype the text and send it again.
error-too-large-title = Too much to send
error-too-large = What you sent is larger than any form here takes (a script file may be up to 2 MB; a feature script is well under 1 MB). Nothing was saved.
error-internal-title = Something went wrong
error-internal = The request could not be completed and nothing was changed by the part that failed. Try again; if it keeps happening, tell your production's administrator.
error-unavailable-title = Back in a moment
error-unavailable = Closed Set cannot reach its database just now and is bringing it back. If you were sending a form, it was not saved: wait a few seconds, reload and send it again.
error-still-saving-title = Still being saved
error-still-saving = This form was sent twice and the first copy is still being saved. Open the page again in a moment to see the result; nothing will be saved twice.
error-method-title = Not something this page does
error-method = This address exists, but not for what was asked of it. Go back and use the page's own links and buttons.

## Forms (templates/macros.html)

form-problem = There is a problem
form-error = Error:
form-too-long = Keep this to { $max } characters or fewer (it has { $count }).
form-password-too-long = Keep the password to { $max } characters or fewer.

## Dates, times and numbers (src/i18n/format.rs)

date-long = { $weekday } { $day } { $month }
date-year = { $day } { $month } { $year }
time-of-day = { $hour }:{ $minute }
number-group = ,
number-decimal = .
money = { $symbol }{ $amount }

weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
