# Dates, heures et durées telles que les montrent tableaux et lignes.

date-short = { $weekday } { $day } { $month } { $year }
moment = { $date }, { $time }
times-line = Heures de { $place } ({ $zone }).
times-line-utc = Heures UTC.
time-does-not-exist = { $time } n'existe pas le { $date } à { $zone } : on avance les horloges cette nuit-là. Choisissez une autre heure.
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-days-hours = { $days ->
    [one] { $days } jour
   *[other] { $days } jours
} { $hours } h
countdown-in = dans { $length }
countdown-passed = échéance dépassée

weekday-short-1 = lun.
weekday-short-2 = mar.
weekday-short-3 = mer.
weekday-short-4 = jeu.
weekday-short-5 = ven.
weekday-short-6 = sam.
weekday-short-7 = dim.

month-short-1 = janv.
month-short-2 = févr.
month-short-3 = mars
month-short-4 = avr.
month-short-5 = mai
month-short-6 = juin
month-short-7 = juil.
month-short-8 = août
month-short-9 = sept.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = déc.
