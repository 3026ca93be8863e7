# Pages du compte : connexion et déconnexion, compte, sessions, validation en deux étapes,
# clés d'accès.

## Connexion

signin-title = Se connecter
signin-email = Adresse e-mail
signin-password = Mot de passe
signin-submit = Se connecter
signin-passkey = Se connecter avec une clé d'accès
signin-forgot = Mot de passe oublié ?
signin-no-signup = Closed Set n'a pas d'inscription publique. Votre production vous envoie un lien d'invitation.
signin-wrong = L'adresse e-mail ou le mot de passe est incorrect. Vérifiez les deux et réessayez.
signin-paused = Trop de tentatives de connexion échouées depuis cet endroit. Pour votre sécurité, la connexion depuis cette connexion réseau est suspendue pendant { $minutes } minutes au plus. Réessayez plus tard, ou réinitialisez votre mot de passe si vous l'avez oublié.
signin-passkey-paused = Trop de tentatives de connexion échouées depuis cet endroit. Pour votre sécurité, la connexion depuis cette connexion réseau est suspendue pour un moment. Réessayez plus tard.
signin-passkey-wrong = Cette clé d'accès n'a pas permis de vous connecter : elle n'est ajoutée à aucun compte ici, ou la demande a expiré. Réessayez, ou utilisez votre mot de passe.

## L'étape du code

code-title = Saisissez votre code
code-intro = Votre mot de passe est correct. Ouvrez votre application d'authentification et saisissez le code à 6 chiffres qu'elle affiche pour Closed Set. Téléphone perdu ? Saisissez plutôt l'un de vos codes de secours.
code-label = Code
code-hint = 6 chiffres, ou un code de secours comme abcde-12345.
code-continue = Continuer
code-start-again = Recommencer
code-too-slow = La connexion a pris trop de temps. Saisissez de nouveau votre adresse e-mail et votre mot de passe.
code-wrong = Ce code est incorrect ou a déjà servi. Saisissez le code qu'affiche maintenant votre application, ou l'un de vos codes de secours.
code-few-left = { $count ->
    [one] Il vous reste 1 code de secours. Créez-en de nouveaux sur la page de votre compte, rubrique Validation en deux étapes.
   *[other] Il vous reste { $count } codes de secours. Créez-en de nouveaux sur la page de votre compte, rubrique Validation en deux étapes.
}

## Mots de passe

password-yours = Votre mot de passe
password-not-yours = Ce n'est pas votre mot de passe.
password-paused = Trop de mots de passe erronés depuis cet endroit. Pour votre sécurité, la vérification des mots de passe depuis cette connexion réseau est suspendue pour un moment. Réessayez plus tard.
password-too-short = Choisissez un mot de passe d'au moins 12 caractères.
password-too-long = Choisissez un mot de passe de 256 caractères au plus.
password-too-common = Ce mot de passe est trop courant ou facile à deviner. Choisissez-en un autre, par exemple quelques mots sans rapport entre eux.

## La page du compte

account-title = Votre compte
account-name = Nom
account-email = Adresse e-mail
account-notices = Choisir les notifications reçues par e-mail
account-export = Télécharger vos données
account-export-what = tout ce que Closed Set conserve à votre sujet, en un seul fichier
account-signing-in = Connexion
account-two-step = Validation en deux étapes
account-on = activée
account-off = désactivée
account-sessions = Vos sessions
account-sessions-what = les appareils connectés à votre compte

account-language = Langue
account-language-hint = La langue de toutes les pages que vous voyez. Sans choix de votre part, les pages suivent la langue de votre navigateur, puis celle de votre production.
account-language-browser = Celle que demande mon navigateur
account-language-save = Enregistrer la langue
account-language-unknown = Choisissez l'une des langues de la liste.
account-language-saved = Les pages s'affichent désormais en français.

account-passkeys = Clés d'accès
account-passkeys-intro = Une clé d'accès vous permet de vous connecter, et de signer un avenant d'intimité, avec le verrouillage d'écran ou l'empreinte de votre appareil au lieu de votre mot de passe. Elle vaut pour les deux étapes de la validation en deux étapes.
account-passkeys-none = Vous n'avez aucune clé d'accès.
account-passkey-last-used = dernière utilisation : { $when }
account-passkey-never = jamais
account-passkey-name = Clé d'accès ajoutée le { $date }
account-passkey-add = Ajouter une clé d'accès
account-passkey-needs-script = L'ajout d'une clé d'accès nécessite JavaScript.
account-passkey-to-remove = Clé d'accès à retirer
account-passkey-remove-hint = Retirer une clé d'accès demande votre mot de passe.
account-passkey-remove = Retirer la clé d'accès
account-passkey-added = Votre clé d'accès est ajoutée. Vous pouvez vous connecter avec elle.
account-passkey-duplicate = Cette clé d'accès est déjà ajoutée à un compte.
account-passkey-failed = La clé d'accès n'a pas pu être ajoutée : la réponse de votre appareil n'était pas valable, ou a trop tardé. Réessayez.
account-passkey-removed = La clé d'accès est retirée de votre compte.
account-passkey-choose = Choisissez l'une de vos clés d'accès.

account-password = Changer votre mot de passe
account-password-intro = Changer votre mot de passe vous déconnecte de tous vos autres appareils.
account-password-current = Mot de passe actuel
account-password-new = Nouveau mot de passe
account-password-new-hint = Au moins 12 caractères. Quelques mots sans rapport entre eux conviennent bien.
account-password-again = Nouveau mot de passe, une seconde fois
account-password-submit = Changer le mot de passe
account-password-wrong = Ce n'est pas votre mot de passe actuel.
account-password-mismatch = Les deux nouveaux mots de passe ne sont pas identiques.
account-password-changed = Votre mot de passe est changé. Vous êtes déconnecté de tous vos autres appareils.

## Vos sessions

sessions-title = Vos sessions
sessions-intro = Ces appareils sont connectés à votre compte. Si vous n'en reconnaissez pas un, déconnectez-le et changez votre mot de passe.
sessions-caption = Appareils connectés à votre compte
sessions-device = Appareil
sessions-address = Adresse
sessions-signed-in = Connexion
sessions-last-seen = Dernière activité
sessions-action = Action
sessions-this-device = (cet appareil)
sessions-sign-out-this = Déconnecter cet appareil
sessions-sign-out-that = Déconnecter { $device }
sessions-last-seen-at = , dernière activité : { $when }
sessions-sign-out-others = Déconnecter tous les autres appareils
sessions-back = Retour à votre compte
sessions-when = { $date }, { $time } UTC
sessions-ended-one = Cet appareil est déconnecté.
sessions-ended-others = { $count ->
    [one] 1 autre appareil est déconnecté.
   *[other] { $count } autres appareils sont déconnectés.
}

## Validation en deux étapes

two-step-title = Validation en deux étapes
two-step-required = { $count ->
    [one] { $productions } impose la validation en deux étapes aux producteurs et aux coordinateurs d'intimité. Activez-la ici pour accéder à ses pages.
   *[other] { $productions } imposent la validation en deux étapes aux producteurs et aux coordinateurs d'intimité. Activez-la ici pour accéder à leurs pages.
}
two-step-codes-title = Vos codes de secours
two-step-codes-intro = Chaque code vous connecte une fois si vous n'avez pas votre téléphone. Conservez-les en lieu sûr, loin de votre téléphone. Ils ne sont affichés que maintenant.
two-step-on = Activée.
two-step-on-intro = { $count ->
    [one] Après votre mot de passe, vous saisissez un code de votre application d'authentification. Il vous reste 1 code de secours.
   *[other] Après votre mot de passe, vous saisissez un code de votre application d'authentification. Il vous reste { $count } codes de secours.
}
two-step-new-codes = Nouveaux codes de secours
two-step-new-codes-intro = Créer de nouveaux codes rend les anciens inutilisables.
two-step-make-codes = Créer de nouveaux codes de secours
two-step-turn-off-title = Désactiver la validation en deux étapes
two-step-turn-off = Désactiver
two-step-setup-intro = Ajoutez Closed Set à une application d'authentification sur votre téléphone : scannez le code QR, ou saisissez la clé.
two-step-qr = Code QR à scanner avec votre application d'authentification
two-step-key = Clé
two-step-link = Lien de configuration
two-step-link-label = Lien de configuration pour votre application d'authentification
two-step-code = Le code qu'affiche votre application
two-step-code-hint = 6 chiffres.
two-step-turn-on = Activer
two-step-off = Désactivée.
two-step-off-intro = Votre mot de passe suffit à vous connecter. Avec la validation en deux étapes, une personne qui connaît votre mot de passe ne peut toujours pas entrer sans votre téléphone.
two-step-set-up = Activer la validation en deux étapes
two-step-code-wrong = Ce code est incorrect. Vérifiez que votre application affiche Closed Set avec votre adresse e-mail, et saisissez le code qu'elle affiche maintenant.
two-step-turned-on = La validation en deux étapes est activée. Désormais, après votre mot de passe, vous saisissez un code de votre application.
two-step-turned-off = La validation en deux étapes est désactivée. Votre mot de passe suffit à vous connecter.
