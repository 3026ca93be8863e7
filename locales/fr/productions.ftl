# Paramètres d'une production.

production-new = Nouvelle production
production-create-title = Créer une production
production-settings = Paramètres de la production
production-title = Titre
production-kind = Type
production-phase = Phase
production-time-zone = Fuseau horaire
production-time-zone-hint = Là où la production tourne. Les heures de convocation et les échéances sont affichées dans ce fuseau.
production-currency = Devise
production-agreement = Convention
production-notice = Délai de prévenance, en heures
production-notice-hint = Combien de temps avant l'heure de convocation un avenant d'intimité doit être remis. 48 heures est l'usage.
production-account-code = Code budgétaire de la coordination d'intimité
production-account-code-hint = Le poste du budget auquel la coordination d'intimité est imputée.
production-language = Langue par défaut
production-language-hint = La langue des pages de cette production pour les personnes qui n'en ont choisi aucune et dont le navigateur n'en demande aucune de disponible.
production-language-none = Anglais (non défini)
production-second-factor = Les producteurs et coordinateurs d'intimité doivent utiliser un second facteur
production-second-factor-hint = Les producteurs et coordinateurs d'intimité sans validation en deux étapes devront l'activer avant d'accéder aux pages de cette production.
production-save = Enregistrer les paramètres
production-create = Créer la production
production-created = { $title } est créée. Invitez maintenant votre équipe.
production-saved = Les paramètres de la production sont enregistrés.

production-title-invalid = Saisissez le titre de la production (200 caractères au plus).
production-kind-invalid = Choisissez le type de production.
production-phase-invalid = Choisissez la phase de la production.
production-time-zone-invalid = Choisissez le fuseau horaire où tourne la production, par exemple Europe/Paris.
production-currency-invalid = Choisissez la devise du budget.
production-agreement-invalid = Choisissez la convention dont relève la production.
production-notice-invalid = Saisissez le délai de prévenance en heures entières, de 0 à 720 (48 est l'usage).
production-account-code-invalid = Saisissez le code budgétaire de la coordination d'intimité, par exemple 2950 (lettres, chiffres, - . / ; 20 au plus).
production-language-invalid = Choisissez l'une des langues de la liste.

kind-feature = Long métrage
kind-series = Série
kind-short = Court métrage
kind-stage = Spectacle vivant

phase-development = Développement
phase-pre_production = Préparation
phase-production = Tournage
phase-post_production = Postproduction
phase-wrapped = Terminée

agreement-sag_aftra = SAG-AFTRA (États-Unis)
agreement-equity_uk = Equity (Royaume-Uni)
agreement-actra = ACTRA (Canada)
agreement-non_union = Hors convention syndicale
