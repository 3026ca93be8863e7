# Español. La voz del producto trata de «usted»: es un lugar de trabajo con personas de todos los
# rangos y de varios países, y el consentimiento pide un trato respetuoso y sobrio.

language-name = Español

## Layout

skip-link = Ir al contenido
nav-account = Cuenta
nav-your-account = Su cuenta
nav-notifications = Avisos
nav-unread = ({ $count ->
    [one] { $count } sin leer
   *[other] { $count } sin leer
})
nav-sign-out = Cerrar sesión
nav-menu = Menú
footer-promise = Closed Set mantiene las escenas íntimas planificadas, acordadas y seguras. El consentimiento puede retirarse en cualquier momento antes del rodaje de la escena.

## Secciones de una producción

nav-production = Producción
nav-production-sections = Secciones de la producción
nav-scenes = Escenas
nav-schedule = Plan de rodaje
nav-cast = Reparto
nav-riders = Anexos de intimidad
nav-boundaries = Límites
nav-conversations = Conversaciones
nav-record-views = Quién ha consultado mis registros
nav-concerns = Incidencias
nav-calendar = Calendario suscrito
nav-data-protection = Protección de datos
nav-members = Miembros
nav-briefing = Información al equipo
nav-budget = Presupuesto
nav-settings = Configuración

role-producer = Producción
role-coordinator = Coordinación de intimidad
role-director = Dirección / 1.er ayudante de dirección
role-performer = Intérprete

## Página de inicio

home-title = Sus producciones
home-none = Aún no forma parte de ninguna producción. Un productor le incorpora enviándole un enlace de invitación.
home-your-role = Su función:
home-create = Crear una producción

## Páginas de error

error-home = Ir a sus producciones
error-code = Error { $status }
error-not-found-title = Página no encontrada
error-not-found = Aquí no hay nada, o no se ha compartido con usted.
error-forbidden-title = Solicitud rechazada
error-forbidden = Este formulario se envió desde otro sitio o ha caducado. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-unreadable-title = Algunos caracteres no pueden guardarse
error-unreadable = Lo que ha enviado contiene un carácter que ningún campo puede guardar (un byte NUL u otro carácter de control, a menudo al pegar texto). No se ha guardado nada. Vuelva atrás, escriba de nuevo el texto y envíelo otra vez.
error-too-large-title = Demasiado contenido
error-too-large = Lo que ha enviado supera lo que admite cualquier formulario (un guion puede ocupar hasta 2 MB; el de un largometraje ocupa bastante menos de 1 MB). No se ha guardado nada.
error-internal-title = Algo ha fallado
error-internal = No se ha podido completar la solicitud y la parte que ha fallado no ha cambiado nada. Inténtelo de nuevo; si sigue ocurriendo, avise al administrador de su producción.
error-unavailable-title = Volvemos enseguida
error-unavailable = Closed Set no puede acceder ahora a su base de datos y la está recuperando. Si estaba enviando un formulario, no se ha guardado: espere unos segundos, recargue y envíelo de nuevo.
error-still-saving-title = Todavía se está guardando
error-still-saving = Este formulario se envió dos veces y la primera copia todavía se está guardando. Vuelva a abrir la página dentro de un momento para ver el resultado; nada se guardará dos veces.
error-method-title = Esta página no hace eso
error-method = Esta dirección existe, pero no para lo que se le ha pedido. Vuelva atrás y use los enlaces y botones de la propia página.

## Formularios

form-problem = Hay un problema
form-error = Error:
form-too-long = No supere los { $max } caracteres (tiene { $count }).
form-password-too-long = La contraseña no puede superar los { $max } caracteres.

## Fechas, horas y números

date-long = { $weekday }, { $day } de { $month }
date-year = { $day } de { $month } de { $year }
time-of-day = { $hour }:{ $minute }
number-group = .
number-decimal = ,
money = { $amount }{"\u00A0"}{ $symbol }

weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo

month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
