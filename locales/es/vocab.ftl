# El vocabulario compartido del consentimiento y de los desgloses: las palabras de cada lista
# cerrada. Redacción clínica y sin connotación sexual (DOMAIN §2).

## Zonas del cuerpo

body-area-face = Cara
body-area-mouth = Boca
body-area-neck = Cuello
body-area-shoulders = Hombros
body-area-arms = Brazos
body-area-hands = Manos
body-area-upper_back = Parte superior de la espalda
body-area-lower_back = Parte inferior de la espalda
body-area-chest = Tórax
body-area-breasts = Pechos
body-area-nipples = Pezones
body-area-abdomen = Abdomen
body-area-buttocks = Glúteos
body-area-pubic_area = Zona púbica
body-area-genitals = Genitales
body-area-inner_thighs = Cara interna de los muslos
body-area-thighs = Muslos
body-area-legs = Piernas
body-area-feet = Pies

## Niveles de desnudo

nudity-none = Ninguno
nudity-implied = Sugerido
nudity-partial_upper = Parcial superior (pechos)
nudity-partial_lower = Parcial inferior (glúteos)
nudity-full_rear = Integral de espaldas
nudity-full_frontal = Integral frontal

## Tipos de intimidad

intimacy-kiss = Beso
intimacy-nudity = Desnudo
intimacy-simulated_sex = Sexo simulado
intimacy-sensual_dance = Baile sensual
intimacy-striptease = Striptease
intimacy-sexual_violence = Violencia sexual
intimacy-other = Otro

## Encabezados de escena

int-ext-int = INT.
int-ext-ext = EXT.
int-ext-int_ext = INT./EXT.
time-of-day-day = DÍA
time-of-day-night = NOCHE
time-of-day-dawn = AMANECER
time-of-day-dusk = ATARDECER

## Colores de revisión del guion

revision-colour-white = Blanco
revision-colour-blue = Azul
revision-colour-pink = Rosa
revision-colour-yellow = Amarillo
revision-colour-green = Verde
revision-colour-goldenrod = Dorado
revision-colour-buff = Beige
revision-colour-salmon = Salmón
revision-colour-cherry = Cereza
revision-colour-tan = Canela
revision-colour-double_white = Blanco doble
revision-colour-double_blue = Azul doble
revision-colour-double_pink = Rosa doble
revision-colour-double_yellow = Amarillo doble
revision-colour-double_green = Verde doble
revision-colour-double_goldenrod = Dorado doble
revision-colour-double_buff = Beige doble
revision-colour-double_salmon = Salmón doble
revision-colour-double_cherry = Cereza doble
revision-colour-double_tan = Canela doble

## Perfil de límites: tipos de contacto y respuestas

contact-seen_unclothed = Verse sin ropa ante la cámara
contact-touched_by_hands = Contacto de las manos de un compañero de escena
contact-touched_by_body = Contacto del cuerpo de un compañero de escena
contact-kissed = Beso de un compañero de escena
answer-yes = Sí
answer-no = No
answer-ask = Consultarme antes

## Estado de un anexo

rider-status-drafted = Borrador
rider-status-delivered = Entregado, aún no leído
rider-status-viewed = Leído, sin firmar
rider-status-signed = Firmado
rider-status-signed-stale = Firmado, pero desactualizado: el desglose ha cambiado desde entonces
rider-status-revoked = Consentimiento retirado
rider-status-declined = Rechazado
rider-status-superseded = Sustituido por un anexo más reciente

## Cómo lo comunicó el intérprete

told-in_person = en persona
told-by_phone = por teléfono
