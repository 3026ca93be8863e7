# The account pages: signing in and out, the account page, sessions, two-step sign-in, passkeys.

## Sign-in (templates/accounts/signin.html, src/accounts/signin.rs)

signin-title = Sign in
signin-email = E-mail address
signin-password = Password
signin-submit = Sign in
signin-passkey = Sign in with a passkey
signin-forgot = Forgot your password?
signin-no-signup = Closed Set has no public sign-up. Your production sends you an invitation link.
signin-wrong = The e-mail address or password is not right. Check both and try again.
signin-paused = Too many failed sign-in attempts from here. For your security, signing in from this connection is paused for up to { $minutes } minutes. Try again later, or reset your password if you have forgotten it.
signin-passkey-paused = Too many failed sign-in attempts from here. For your security, signing in from this connection is paused for a while. Try again later.
signin-passkey-wrong = That passkey could not sign you in: it is not one added to an account here, or the request ran out. Try again, or use your password.

## The code step (templates/accounts/signin_code.html)

code-title = Enter your code
code-intro = Your password is right. Open your authenticator app and enter the 6-digit code it shows for Closed Set. Lost your phone? Enter one of your recovery codes instead.
code-label = Code
code-hint = 6 digits, or a recovery code like abcde-12345.
code-continue = Continue
code-start-again = Start again
code-too-slow = Signing in took too long. Enter your e-mail address and password again.
code-wrong = This code is not right, or was already used. Enter the code your app shows now, or one of your recovery codes.
code-few-left = { $count ->
    [one] You have 1 recovery code left. Make new ones on your account page under Two-step sign-in.
   *[other] You have { $count } recovery codes left. Make new ones on your account page under Two-step sign-in.
}

## Passwords, wherever one is asked for

password-yours = Your password
password-not-yours = This is not your password.
password-paused = Too many wrong passwords from here. For your security, password checks from this connection are paused for a while. Try again later.
password-too-short = Choose a password of at least 12 characters.
password-too-long = Choose a password of at most 256 characters.
password-too-common = This password is too common or easy to guess. Choose another one, for example a few unrelated words.

## The account page (templates/accounts/account.html, src/accounts/account.rs)

account-title = Your account
account-name = Name
account-email = E-mail address
account-notices = Choose which notices you get by e-mail
account-export = Download your data
account-export-what = everything Closed Set keeps about you, as one file
account-signing-in = Signing in
account-two-step = Two-step sign-in
account-on = on
account-off = off
account-sessions = Your sessions
account-sessions-what = the devices signed in to your account

account-language = Language
account-language-hint = The language of every page you see. Without a choice, pages follow your browser's language, then your production's.
account-language-browser = As my browser asks
account-language-save = Save language
account-language-unknown = Choose one of the languages in the list.
account-language-saved = Pages are now shown in English.

account-passkeys = Passkeys
account-passkeys-intro = A passkey lets you sign in, and sign a rider, with your device's screen lock or fingerprint instead of your password. It counts as both steps of two-step sign-in.
account-passkeys-none = You have no passkeys.
account-passkey-last-used = last used: { $when }
account-passkey-never = never
account-passkey-name = Passkey added { $date }
account-passkey-add = Add a passkey
account-passkey-needs-script = Adding a passkey needs JavaScript.
account-passkey-to-remove = Passkey to remove
account-passkey-remove-hint = Removing a passkey needs your password.
account-passkey-remove = Remove the passkey
account-passkey-added = Your passkey is added. You can sign in with it.
account-passkey-duplicate = This passkey is already added to an account.
account-passkey-failed = The passkey could not be added: your device's answer did not check out, or took too long. Try again.
account-passkey-removed = The passkey is removed from your account.
account-passkey-choose = Choose one of your passkeys.

account-password = Change your password
account-password-intro = Changing your password signs you out on every other device.
account-password-current = Current password
account-password-new = New password
account-password-new-hint = At least 12 characters. A few unrelated words work well.
account-password-again = New password again
account-password-submit = Change password
account-password-wrong = This is not your current password.
account-password-mismatch = The two new passwords are not the same.
account-password-changed = Your password is changed. You are signed out everywhere else.

## Your sessions (templates/accounts/sessions.html)

sessions-title = Your sessions
sessions-intro = These devices are signed in to your account. If you do not recognise one, sign it out and change your password.
sessions-caption = Devices signed in to your account
sessions-device = Device
sessions-address = Address
sessions-signed-in = Signed in
sessions-last-seen = Last seen
sessions-action = Action
sessions-this-device = (this device)
sessions-sign-out-this = Sign out this device
sessions-sign-out-that = Sign out { $device }
sessions-last-seen-at = , last seen { $when }
sessions-sign-out-others = Sign out everywhere else
sessions-back = Back to your account
sessions-when = { $date }, { $time } UTC
sessions-ended-one = That device is signed out.
sessions-ended-others = { $count ->
    [one] 1 other device is signed out.
   *[other] { $count } other devices are signed out.
}

## Two-step sign-in (templates/accounts/two_step.html, src/accounts/second_factor.rs)

two-step-title = Two-step sign-in
two-step-required = { $count ->
    [one] { $productions } requires producers and coordinators to use two-step sign-in. Set it up here to reach its pages.
   *[other] { $productions } require producers and coordinators to use two-step sign-in. Set it up here to reach their pages.
}
two-step-codes-title = Your recovery codes
two-step-codes-intro = Each code signs you in once if you do not have your phone. Keep them somewhere safe, away from your phone. They are shown only now.
two-step-on = On.
two-step-on-intro = { $count ->
    [one] After your password, you enter a code from your authenticator app. You have 1 recovery code left.
   *[other] After your password, you enter a code from your authenticator app. You have { $count } recovery codes left.
}
two-step-new-codes = New recovery codes
two-step-new-codes-intro = Making new codes stops the old ones working.
two-step-make-codes = Make new recovery codes
two-step-turn-off-title = Turn two-step sign-in off
two-step-turn-off = Turn off
two-step-setup-intro = Add Closed Set to an authenticator app on your phone: scan the QR code, or type the key.
two-step-qr = QR code to scan with your authenticator app
two-step-key = Key
two-step-link = Setup link
two-step-link-label = Setup link for your authenticator app
two-step-code = The code your app shows
two-step-code-hint = 6 digits.
two-step-turn-on = Turn on
two-step-off = Off.
two-step-off-intro = Your password alone signs you in. With two-step sign-in, someone who learns your password still cannot get in without your phone.
two-step-set-up = Set up two-step sign-in
two-step-code-wrong = This code is not right. Check that your app shows Closed Set with your e-mail address, and enter the code it shows now.
two-step-turned-on = Two-step sign-in is on. From now on you enter a code from your app after your password.
two-step-turned-off = Two-step sign-in is off. Your password alone signs you in.
