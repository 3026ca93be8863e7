# Páginas de la cuenta: inicio y cierre de sesión, cuenta, sesiones, verificación en dos pasos,
# llaves de acceso.

## Inicio de sesión

signin-title = Iniciar sesión
signin-email = Correo electrónico
signin-password = Contraseña
signin-submit = Iniciar sesión
signin-passkey = Iniciar sesión con una llave de acceso
signin-forgot = ¿Ha olvidado su contraseña?
signin-no-signup = Closed Set no admite registros abiertos. Su producción le envía un enlace de invitación.
signin-wrong = El correo electrónico o la contraseña no son correctos. Compruebe ambos e inténtelo de nuevo.
signin-paused = Demasiados intentos fallidos de inicio de sesión desde aquí. Por su seguridad, el inicio de sesión desde esta conexión queda en pausa durante un máximo de { $minutes } minutos. Inténtelo más tarde o restablezca su contraseña si la ha olvidado.
signin-passkey-paused = Demasiados intentos fallidos de inicio de sesión desde aquí. Por su seguridad, el inicio de sesión desde esta conexión queda en pausa durante un tiempo. Inténtelo más tarde.
signin-passkey-wrong = Esa llave de acceso no ha permitido iniciar sesión: no está añadida a ninguna cuenta de aquí o la solicitud ha caducado. Inténtelo de nuevo o use su contraseña.

## El paso del código

code-title = Introduzca su código
code-intro = Su contraseña es correcta. Abra su aplicación de autenticación e introduzca el código de 6 cifras que muestra para Closed Set. ¿Ha perdido el teléfono? Introduzca uno de sus códigos de recuperación.
code-label = Código
code-hint = 6 cifras, o un código de recuperación como abcde-12345.
code-continue = Continuar
code-start-again = Volver a empezar
code-too-slow = El inicio de sesión ha tardado demasiado. Vuelva a introducir su correo electrónico y su contraseña.
code-wrong = Este código no es correcto o ya se ha usado. Introduzca el código que muestra ahora su aplicación, o uno de sus códigos de recuperación.
code-few-left = { $count ->
    [one] Le queda 1 código de recuperación. Genere otros nuevos en la página de su cuenta, en Verificación en dos pasos.
   *[other] Le quedan { $count } códigos de recuperación. Genere otros nuevos en la página de su cuenta, en Verificación en dos pasos.
}

## Contraseñas

password-yours = Su contraseña
password-not-yours = Esta no es su contraseña.
password-paused = Demasiadas contraseñas incorrectas desde aquí. Por su seguridad, la comprobación de contraseñas desde esta conexión queda en pausa durante un tiempo. Inténtelo más tarde.
password-too-short = Elija una contraseña de al menos 12 caracteres.
password-too-long = Elija una contraseña de 256 caracteres como máximo.
password-too-common = Esta contraseña es demasiado común o fácil de adivinar. Elija otra; por ejemplo, varias palabras sin relación entre sí.

## La página de la cuenta

account-title = Su cuenta
account-name = Nombre
account-email = Correo electrónico
account-notices = Elegir qué avisos recibe por correo electrónico
account-export = Descargar sus datos
account-export-what = todo lo que Closed Set guarda sobre usted, en un solo archivo
account-signing-in = Inicio de sesión
account-two-step = Verificación en dos pasos
account-on = activada
account-off = desactivada
account-sessions = Sus sesiones
account-sessions-what = los dispositivos con sesión iniciada en su cuenta

account-language = Idioma
account-language-hint = El idioma de todas las páginas que ve. Si no elige ninguno, las páginas siguen el idioma de su navegador y, en su defecto, el de su producción.
account-language-browser = El que pida mi navegador
account-language-save = Guardar idioma
account-language-unknown = Elija uno de los idiomas de la lista.
account-language-saved = Las páginas se muestran ahora en español.

account-passkeys = Llaves de acceso
account-passkeys-intro = Una llave de acceso le permite iniciar sesión, y firmar un anexo de intimidad, con el bloqueo de pantalla o la huella de su dispositivo en lugar de su contraseña. Cuenta como los dos pasos de la verificación en dos pasos.
account-passkeys-none = No tiene llaves de acceso.
account-passkey-last-used = último uso: { $when }
account-passkey-never = nunca
account-passkey-name = Llave de acceso añadida el { $date }
account-passkey-add = Añadir una llave de acceso
account-passkey-needs-script = Para añadir una llave de acceso hace falta JavaScript.
account-passkey-to-remove = Llave de acceso que quiere quitar
account-passkey-remove-hint = Para quitar una llave de acceso hace falta su contraseña.
account-passkey-remove = Quitar la llave de acceso
account-passkey-added = Su llave de acceso se ha añadido. Ya puede iniciar sesión con ella.
account-passkey-duplicate = Esta llave de acceso ya está añadida a una cuenta.
account-passkey-failed = No se ha podido añadir la llave de acceso: la respuesta de su dispositivo no era válida o ha tardado demasiado. Inténtelo de nuevo.
account-passkey-removed = La llave de acceso se ha quitado de su cuenta.
account-passkey-choose = Elija una de sus llaves de acceso.

account-password = Cambiar su contraseña
account-password-intro = Al cambiar su contraseña se cierra la sesión en todos sus demás dispositivos.
account-password-current = Contraseña actual
account-password-new = Contraseña nueva
account-password-new-hint = Al menos 12 caracteres. Varias palabras sin relación entre sí funcionan bien.
account-password-again = Repita la contraseña nueva
account-password-submit = Cambiar la contraseña
account-password-wrong = Esta no es su contraseña actual.
account-password-mismatch = Las dos contraseñas nuevas no coinciden.
account-password-changed = Su contraseña se ha cambiado. Se ha cerrado la sesión en todos sus demás dispositivos.

## Sus sesiones

sessions-title = Sus sesiones
sessions-intro = Estos dispositivos tienen una sesión iniciada en su cuenta. Si no reconoce alguno, cierre su sesión y cambie su contraseña.
sessions-caption = Dispositivos con sesión iniciada en su cuenta
sessions-device = Dispositivo
sessions-address = Dirección
sessions-signed-in = Inicio de sesión
sessions-last-seen = Última actividad
sessions-action = Acción
sessions-this-device = (este dispositivo)
sessions-sign-out-this = Cerrar la sesión de este dispositivo
sessions-sign-out-that = Cerrar la sesión de { $device }
sessions-last-seen-at = , última actividad: { $when }
sessions-sign-out-others = Cerrar la sesión en todos los demás
sessions-back = Volver a su cuenta
sessions-when = { $date }, { $time } UTC
sessions-ended-one = Se ha cerrado la sesión de ese dispositivo.
sessions-ended-others = { $count ->
    [one] Se ha cerrado la sesión de 1 dispositivo más.
   *[other] Se ha cerrado la sesión de { $count } dispositivos más.
}

## Verificación en dos pasos

two-step-title = Verificación en dos pasos
two-step-required = { $count ->
    [one] { $productions } exige a productores y coordinadores de intimidad la verificación en dos pasos. Actívela aquí para acceder a sus páginas.
   *[other] { $productions } exigen a productores y coordinadores de intimidad la verificación en dos pasos. Actívela aquí para acceder a sus páginas.
}
two-step-codes-title = Sus códigos de recuperación
two-step-codes-intro = Cada código le permite iniciar sesión una vez si no tiene su teléfono. Guárdelos en un lugar seguro, lejos del teléfono. Solo se muestran ahora.
two-step-on = Activada.
two-step-on-intro = { $count ->
    [one] Después de su contraseña, introduce un código de su aplicación de autenticación. Le queda 1 código de recuperación.
   *[other] Después de su contraseña, introduce un código de su aplicación de autenticación. Le quedan { $count } códigos de recuperación.
}
two-step-new-codes = Códigos de recuperación nuevos
two-step-new-codes-intro = Al generar códigos nuevos, los anteriores dejan de funcionar.
two-step-make-codes = Generar códigos de recuperación nuevos
two-step-turn-off-title = Desactivar la verificación en dos pasos
two-step-turn-off = Desactivar
two-step-setup-intro = Añada Closed Set a una aplicación de autenticación de su teléfono: escanee el código QR o escriba la clave.
two-step-qr = Código QR para escanear con su aplicación de autenticación
two-step-key = Clave
two-step-link = Enlace de configuración
two-step-link-label = Enlace de configuración para su aplicación de autenticación
two-step-code = El código que muestra su aplicación
two-step-code-hint = 6 cifras.
two-step-turn-on = Activar
two-step-off = Desactivada.
two-step-off-intro = Solo su contraseña le da acceso. Con la verificación en dos pasos, quien conozca su contraseña sigue sin poder entrar sin su teléfono.
two-step-set-up = Configurar la verificación en dos pasos
two-step-code-wrong = Este código no es correcto. Compruebe que su aplicación muestra Closed Set con su correo electrónico e introduzca el código que muestra ahora.
two-step-turned-on = La verificación en dos pasos está activada. A partir de ahora, después de su contraseña introducirá un código de su aplicación.
two-step-turned-off = La verificación en dos pasos está desactivada. Solo su contraseña le da acceso.
