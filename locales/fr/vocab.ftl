# Le vocabulaire commun du consentement et des dépouillements : les mots de chaque liste fermée.
# Formulation clinique, sans connotation sexuelle (DOMAIN §2).

## Zones du corps

body-area-face = Visage
body-area-mouth = Bouche
body-area-neck = Cou
body-area-shoulders = Épaules
body-area-arms = Bras
body-area-hands = Mains
body-area-upper_back = Haut du dos
body-area-lower_back = Bas du dos
body-area-chest = Torse
body-area-breasts = Seins
body-area-nipples = Mamelons
body-area-abdomen = Abdomen
body-area-buttocks = Fesses
body-area-pubic_area = Zone pubienne
body-area-genitals = Organes génitaux
body-area-inner_thighs = Face interne des cuisses
body-area-thighs = Cuisses
body-area-legs = Jambes
body-area-feet = Pieds

## Niveaux de nudité

nudity-none = Aucune
nudity-implied = Suggérée
nudity-partial_upper = Partielle haut (seins)
nudity-partial_lower = Partielle bas (fesses)
nudity-full_rear = Intégrale de dos
nudity-full_frontal = Intégrale de face

## Types d'intimité

intimacy-kiss = Baiser
intimacy-nudity = Nudité
intimacy-simulated_sex = Rapport sexuel simulé
intimacy-sensual_dance = Danse sensuelle
intimacy-striptease = Effeuillage
intimacy-sexual_violence = Violence sexuelle
intimacy-other = Autre

## En-têtes de séquence

int-ext-int = INT.
int-ext-ext = EXT.
int-ext-int_ext = INT./EXT.
time-of-day-day = JOUR
time-of-day-night = NUIT
time-of-day-dawn = AUBE
time-of-day-dusk = CRÉPUSCULE

## Couleurs de révision du scénario

revision-colour-white = Blanc
revision-colour-blue = Bleu
revision-colour-pink = Rose
revision-colour-yellow = Jaune
revision-colour-green = Vert
revision-colour-goldenrod = Or
revision-colour-buff = Chamois
revision-colour-salmon = Saumon
revision-colour-cherry = Cerise
revision-colour-tan = Havane
revision-colour-double_white = Blanc double
revision-colour-double_blue = Bleu double
revision-colour-double_pink = Rose double
revision-colour-double_yellow = Jaune double
revision-colour-double_green = Vert double
revision-colour-double_goldenrod = Or double
revision-colour-double_buff = Chamois double
revision-colour-double_salmon = Saumon double
revision-colour-double_cherry = Cerise double
revision-colour-double_tan = Havane double

## Profil de limites : types de contact et réponses

contact-seen_unclothed = Être vu·e dévêtu·e à l'image
contact-touched_by_hands = Contact des mains d'un·e partenaire de jeu
contact-touched_by_body = Contact du corps d'un·e partenaire de jeu
contact-kissed = Baiser d'un·e partenaire de jeu
answer-yes = Oui
answer-no = Non
answer-ask = Me demander d'abord

## Où en est un avenant

rider-status-drafted = Brouillon
rider-status-delivered = Remis, pas encore lu
rider-status-viewed = Lu, non signé
rider-status-signed = Signé
rider-status-signed-stale = Signé, mais périmé : le dépouillement a changé depuis
rider-status-revoked = Consentement retiré
rider-status-declined = Refusé
rider-status-superseded = Remplacé par un avenant plus récent

## Comment l'interprète l'a dit

told-in_person = en personne
told-by_phone = par téléphone
