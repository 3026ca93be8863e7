# The shared vocabulary of consent and breakdowns: the words of each closed list, looked up by
# item (`word(lang)` on the list's type). Clinical, desexualised wording (DOMAIN §2).

## Body areas

body-area-face = Face
body-area-mouth = Mouth
body-area-neck = Neck
body-area-shoulders = Shoulders
body-area-arms = Arms
body-area-hands = Hands
body-area-upper_back = Upper back
body-area-lower_back = Lower back
body-area-chest = Chest
body-area-breasts = Breasts
body-area-nipples = Nipples
body-area-abdomen = Abdomen
body-area-buttocks = Buttocks
body-area-pubic_area = Pubic area
body-area-genitals = Genitals
body-area-inner_thighs = Inner thighs
body-area-thighs = Thighs
body-area-legs = Legs
body-area-feet = Feet

## Nudity levels

nudity-none = None
nudity-implied = Implied
nudity-partial_upper = Partial upper (breasts)
nudity-partial_lower = Partial lower (buttocks)
nudity-full_rear = Full rear
nudity-full_frontal = Full frontal

## Kinds of intimacy

intimacy-kiss = Kiss
intimacy-nudity = Nudity
intimacy-simulated_sex = Simulated sex
intimacy-sensual_dance = Sensual dance
intimacy-striptease = Striptease
intimacy-sexual_violence = Sexual violence
intimacy-other = Other

## Scene headings

int-ext-int = INT.
int-ext-ext = EXT.
int-ext-int_ext = INT./EXT.
time-of-day-day = DAY
time-of-day-night = NIGHT
time-of-day-dawn = DAWN
time-of-day-dusk = DUSK

## Script revision colours

revision-colour-white = White
revision-colour-blue = Blue
revision-colour-pink = Pink
revision-colour-yellow = Yellow
revision-colour-green = Green
revision-colour-goldenrod = Goldenrod
revision-colour-buff = Buff
revision-colour-salmon = Salmon
revision-colour-cherry = Cherry
revision-colour-tan = Tan
revision-colour-double_white = Double White
revision-colour-double_blue = Double Blue
revision-colour-double_pink = Double Pink
revision-colour-double_yellow = Double Yellow
revision-colour-double_green = Double Green
revision-colour-double_goldenrod = Double Goldenrod
revision-colour-double_buff = Double Buff
revision-colour-double_salmon = Double Salmon
revision-colour-double_cherry = Double Cherry
revision-colour-double_tan = Double Tan

## Boundary profiles: kinds of contact and answers

contact-seen_unclothed = Seen unclothed on camera
contact-touched_by_hands = Touched by a scene partner's hands
contact-touched_by_body = Touched by a scene partner's body
contact-kissed = Kissed by a scene partner
answer-yes = Yes
answer-no = No
answer-ask = Ask me first

## Where a rider stands

rider-status-drafted = Draft
rider-status-delivered = Delivered, not yet read
rider-status-viewed = Read, not signed
rider-status-signed = Signed
rider-status-signed-stale = Signed, but stale: the breakdown changed since
rider-status-revoked = Consent withdrawn
rider-status-declined = Declined
rider-status-superseded = Replaced by a newer rider

## How a performer told the coordinator

told-in_person = in person
told-by_phone = by phone
