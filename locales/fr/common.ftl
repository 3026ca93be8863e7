# Français. Le produit vouvoie : c'est l'usage d'un outil professionnel, et le consentement
# demande une distance respectueuse et un vocabulaire clinique.

language-name = Français

## Mise en page

skip-link = Aller au contenu
nav-account = Compte
nav-your-account = Votre compte
nav-notifications = Notifications
nav-unread = ({ $count ->
    [one] { $count } non lu
   *[other] { $count } non lus
})
nav-sign-out = Se déconnecter
nav-menu = Menu
footer-promise = Closed Set garde les scènes intimes planifiées, convenues et sûres. Le consentement peut être retiré à tout moment avant le tournage d'une scène.

## Rubriques d'une production

nav-production = Production
nav-production-sections = Rubriques de la production
nav-scenes = Séquences
nav-schedule = Plan de travail
nav-cast = Distribution
nav-riders = Avenants d'intimité
nav-boundaries = Limites
nav-conversations = Entretiens
nav-record-views = Qui a consulté mes dossiers
nav-concerns = Signalements
nav-calendar = Agenda abonné
nav-data-protection = Protection des données
nav-members = Membres
nav-briefing = Consignes à l'équipe
nav-budget = Budget
nav-settings = Paramètres

role-producer = Production
role-coordinator = Coordination d'intimité
role-director = Réalisation / 1er assistant
role-performer = Interprète

## Page d'accueil

home-title = Vos productions
home-none = Vous ne faites encore partie d'aucune production. Un producteur vous ajoute en vous envoyant un lien d'invitation.
home-your-role = Votre fonction :
home-create = Créer une production

## Pages d'erreur

error-home = Aller à vos productions
error-code = Erreur { $status }
error-not-found-title = Page introuvable
error-not-found = Il n'y a rien ici, ou ce contenu ne vous est pas partagé.
error-forbidden-title = Demande refusée
error-forbidden = Ce formulaire a été envoyé depuis un autre site ou a expiré. Revenez en arrière, rechargez la page et réessayez.
error-unreadable-title = Certains caractères ne peuvent pas être enregistrés
error-unreadable = Votre envoi contient un caractère qu'aucun champ ne peut conserver (un octet NUL ou un autre caractère de contrôle, souvent issu d'un copier-coller). Rien n'a été enregistré. Revenez en arrière, retapez le texte et renvoyez-le.
error-too-large-title = Envoi trop volumineux
error-too-large = Votre envoi dépasse ce qu'accepte tout formulaire ici (un scénario peut peser jusqu'à 2 Mo ; celui d'un long métrage pèse bien moins de 1 Mo). Rien n'a été enregistré.
error-internal-title = Une erreur est survenue
error-internal = La demande n'a pas pu aboutir et la partie en échec n'a rien modifié. Réessayez ; si cela se reproduit, prévenez l'administrateur de votre production.
error-unavailable-title = De retour dans un instant
error-unavailable = Closed Set ne parvient pas à joindre sa base de données pour le moment et la relance. Si vous envoyiez un formulaire, il n'a pas été enregistré : patientez quelques secondes, rechargez et renvoyez-le.
error-still-saving-title = Enregistrement en cours
error-still-saving = Ce formulaire a été envoyé deux fois et le premier envoi est encore en cours d'enregistrement. Rouvrez la page dans un instant pour voir le résultat ; rien ne sera enregistré deux fois.
error-method-title = Cette page ne fait pas cela
error-method = Cette adresse existe, mais pas pour ce qui lui a été demandé. Revenez en arrière et utilisez les liens et boutons de la page.

## Formulaires

form-problem = Il y a un problème
form-error = Erreur :
form-too-long = Limitez ce texte à { $max } caractères (il en compte { $count }).
form-password-too-long = Limitez le mot de passe à { $max } caractères.

## Dates, heures et nombres

date-long = { $weekday } { $day } { $month }
date-year = { $day } { $month } { $year }
time-of-day = { $hour } h { $minute }
number-group = {"\u202F"}
number-decimal = ,
money = { $amount }{"\u00A0"}{ $symbol }

weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
