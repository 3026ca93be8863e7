# Fechas, horas y duraciones tal como las muestran tablas y líneas.

date-short = { $weekday } { $day } { $month } { $year }
moment = { $date }, { $time }
times-line = Horas de { $place } ({ $zone }).
times-line-utc = Horas en UTC.
time-does-not-exist = Las { $time } no existen el { $date } en { $zone }: esa noche se adelantan los relojes. Elija otra hora.
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-days-hours = { $days ->
    [one] { $days } día
   *[other] { $days } días
} { $hours } h
countdown-in = dentro de { $length }
countdown-passed = plazo vencido

weekday-short-1 = lun
weekday-short-2 = mar
weekday-short-3 = mié
weekday-short-4 = jue
weekday-short-5 = vie
weekday-short-6 = sáb
weekday-short-7 = dom

month-short-1 = ene
month-short-2 = feb
month-short-3 = mar
month-short-4 = abr
month-short-5 = may
month-short-6 = jun
month-short-7 = jul
month-short-8 = ago
month-short-9 = sept
month-short-10 = oct
month-short-11 = nov
month-short-12 = dic
