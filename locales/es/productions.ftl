# Configuración de una producción.

production-new = Nueva producción
production-create-title = Crear una producción
production-settings = Configuración de la producción
production-title = Título
production-kind = Tipo
production-phase = Fase
production-time-zone = Zona horaria
production-time-zone-hint = Donde rueda la producción. Las horas de citación y los plazos se muestran en esta zona.
production-currency = Moneda
production-agreement = Convenio
production-notice = Plazo de preaviso, en horas
production-notice-hint = Con cuánta antelación a la hora de citación debe entregarse un anexo de intimidad. Lo habitual son 48 horas.
production-account-code = Partida presupuestaria de coordinación de intimidad
production-account-code-hint = La partida del presupuesto a la que se imputa la coordinación de intimidad.
production-language = Idioma predeterminado
production-language-hint = El idioma de las páginas de esta producción para quienes no hayan elegido uno y cuyo navegador no pida ninguno de los disponibles.
production-language-none = Inglés (sin definir)
production-second-factor = Productores y coordinadores de intimidad deben usar un segundo factor
production-second-factor-hint = Los productores y coordinadores de intimidad sin verificación en dos pasos deberán configurarla antes de acceder a las páginas de esta producción.
production-save = Guardar la configuración
production-create = Crear la producción
production-created = Se ha creado { $title }. El siguiente paso es invitar a su equipo.
production-saved = Se ha guardado la configuración de la producción.

production-title-invalid = Introduzca el título de la producción (200 caracteres como máximo).
production-kind-invalid = Elija el tipo de producción.
production-phase-invalid = Elija la fase de la producción.
production-time-zone-invalid = Elija la zona horaria donde rueda la producción, p. ej., Europe/Madrid.
production-currency-invalid = Elija la moneda del presupuesto.
production-agreement-invalid = Elija el convenio al que se acoge la producción.
production-notice-invalid = Introduzca el plazo de preaviso en horas enteras, de 0 a 720 (lo habitual son 48).
production-account-code-invalid = Introduzca la partida presupuestaria de coordinación de intimidad, p. ej., 2950 (letras, cifras, - . /; 20 como máximo).
production-language-invalid = Elija uno de los idiomas de la lista.

kind-feature = Largometraje
kind-series = Serie
kind-short = Cortometraje
kind-stage = Espectáculo teatral

phase-development = Desarrollo
phase-pre_production = Preproducción
phase-production = Rodaje
phase-post_production = Posproducción
phase-wrapped = Finalizada

agreement-sag_aftra = SAG-AFTRA (EE. UU.)
agreement-equity_uk = Equity (Reino Unido)
agreement-actra = ACTRA (Canadá)
agreement-non_union = Sin convenio sindical
