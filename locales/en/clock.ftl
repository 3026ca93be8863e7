# Dates, times and lengths of time as tables and lines show them (`i18n::format`, `clock`).

date-short = { $weekday } { $day } { $month } { $year }
moment = { $date }, { $time }
times-line = Times are { $place } time ({ $zone }).
times-line-utc = Times are UTC.
time-does-not-exist = { $time } does not exist on { $date } in { $zone }: clocks go forward that night. Choose another time.
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-days-hours = { $days ->
    [one] { $days } day
   *[other] { $days } days
} { $hours } h
countdown-in = in { $length }
countdown-passed = deadline passed

weekday-short-1 = Mon
weekday-short-2 = Tue
weekday-short-3 = Wed
weekday-short-4 = Thu
weekday-short-5 = Fri
weekday-short-6 = Sat
weekday-short-7 = Sun

month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec
