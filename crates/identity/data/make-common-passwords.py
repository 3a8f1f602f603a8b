#!/usr/bin/env python3
"""Writes common-passwords.txt: passwords of 12 or more characters that people actually pick.

No breach corpus could be downloaded where this list was made, so it is built from the shapes that
dominate the long entries of published breach lists (SecLists, the NCSC's PwnedPasswords top
100,000): common words and names with digit, year or symbol tails, repeated words, keyboard walks,
counting sequences, repeated characters and stock phrases. Replace or extend it with a real corpus
when one is at hand: the crate only needs one lower-case entry per line, sorted, without spaces.

Run: python3 crates/identity/data/make-common-passwords.py > crates/identity/data/common-passwords.txt
"""

import itertools

MIN_LEN = 12
MAX_LEN = 128

WORDS = """
password passw0rd p@ssword p@ssw0rd pa$$word pa55word pass passwd secret letmein welcome welcome1
qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm iloveyou loveyou lovely trustno1 trustnoone whatever
monkey dragon master shadow sunshine princess superman batman spiderman football baseball
basketball soccer hockey rugby cricket tennis golfer fishing hunter ranger killer freedom
computer internet starwars pokemon minecraft fortnite playstation xbox nintendo
charlie thomas michael jennifer jordan jessica michelle daniel andrew ashley george harry oliver
jack jacob james william samuel joshua matthew benjamin alexander christopher elizabeth victoria
charlotte olivia amelia emily sophie chloe lily grace isabella hannah rebecca natalie
stephanie samantha katherine catherine nicola rachel sarah laura emma lucy amy
buddy bella molly lucky daisy rosie poppy maggie ginger tigger smokey shadow1 snoopy
liverpool arsenal chelsea tottenham everton manchester manutd manunited mancity newcastle
leeds leedsunited aston astonvilla westham celtic rangers spurs united england london scotland
wales ireland britain unitedkingdom cardiff glasgow edinburgh birmingham bristol sheffield
yorkshire lancashire
landlord landlady tenant tenancy property properties rental rentals letting lettings
lettingagent estate estateagent housing house home homeowner compliance compliancevault vault
gassafe gassafety certificate portfolio
administrator admin root login access default guest test testing changeme temppass temp
newpassword mypassword yourpassword nopassword password1 password12 password123 qwerty123
abc123 abcdef abcdefg abcdefgh 1qaz2wsx qazwsx zaq12wsx letmein1 welcome123
summer winter autumn spring christmas holiday january february september october november
december monday friday saturday sunday
chocolate cookie cheese banana orange apple strawberry pepper butterfly flower rainbow
angel angels heaven diamond silver golden thunder lightning phoenix tiger lion eagle falcon
dolphin horse cowboy pirate ninja wizard merlin matrix warrior knight legend
hello helloworld goodbye whatsup blessed jesus jesuschrist godisgood faith hope
family forever friends friendship together happiness beautiful sweetheart babygirl
mustang ferrari porsche mercedes corvette harley yamaha
samsung iphone android apple123 google facebook microsoft windows
""".split()

TAILS = """
1 12 123 1234 12345 123456 1234567 12345678 123456789 1234567890
! 1! 12! 123! 1234! 12345! @1 @12 @123 @1234 # #1 #123 $ !! !!! ? . *
01 007 69 99 00 11 22 321 4321 54321 654321 111 1111 000 0000 2468 13579
""".split()

SHORT_TAILS = ["1", "123", "1234", "!"]

YEARS = [str(year) for year in range(1970, 2031)]

RECENT_YEARS = [str(year) for year in range(2018, 2031)]

PHRASES = """
correcthorsebatterystaple thequickbrownfox thequickbrownfoxjumpsoverthelazydog
thisismypassword mypasswordis whatsmypassword whatismypassword iforgotmypassword forgotmypassword
passwordpassword passwordispassword password1234567890 letmeinnow letmeinplease opensesame
iloveyoutoo iloveyouforever iloveyousomuch iloveyoubaby iloveyoumom iloveyoudad iloveyoutoomuch
iloveyou4ever ihateyou ihatemylife ilovemyself ilovemymom ilovemydad ilovemykids ilovemydog
ilovemycat ilovemywife ilovemyhusband ilovejesus iloveyouall imissyou youareawesome
changemenow changemeplease pleasechangeme temporarypassword temppassword newpassword
mynewpassword myoldpassword mysecretpassword supersecret supersecretpassword topsecret
donotforget dontforget nevergiveup nevergonnagiveyouup rememberme trustnoone
administrator superadmin superuser rootpassword adminadmin adminpassword administrator1
welcometothejungle welcomehome welcomeback welcometomyworld letmeinletmein
abcdefghijklmnopqrstuvwxyz abcdefghijklmnop zyxwvutsrqponmlkjihgfedcba
qwertyuiopasdfghjklzxcvbnm qwertyuiopasdfghjkl asdfghjklzxcvbnm
mancityfc liverpoolfc arsenalfc chelseafc evertonfc tottenhamhotspur manchesterunited
manchestercity westhamunited newcastleunited leedsunitedfc youllneverwalkalone
godsavethequeen godsavetheking ruleBritannia keepcalmandcarryon
""".split()

# Keyboard rows and columns (UK QWERTY) and their best-known walks.
WALK_SOURCES = [
    "1234567890-=",
    "qwertyuiop[]",
    "asdfghjkl;'#",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "qazwsxedcrfvtgbyhnujmikolp",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "!qaz@wsx#edc$rfv%tgb",
    "1qazxsw23edcvfr4",
    "qweasdzxcrtyfghvbn",
    "123qweasdzxc",
    "qwe123qwe123",
    "asd123asd123",
    "zxc123zxc123",
    "poiuytrewqlkjhgfdsamnbvcxz",
    "0987654321",
    "mnbvcxzlkjhgfdsa",
    "qwaszx12qwaszx12",
    "1q2w3e1q2w3e",
]


def walks():
    for source in WALK_SOURCES:
        for length in range(MIN_LEN, len(source) + 1):
            yield source[:length]
        yield source + source


def sequences():
    digits = "1234567890"
    for start in range(10):
        run = (digits * 4)[start:]
        for length in range(MIN_LEN, 21):
            yield run[:length]
    down = "9876543210" * 3
    for length in range(MIN_LEN, 21):
        yield down[:length]
    for char in "abcdefghijklmnopqrstuvwxyz0123456789!*.":
        for length in range(MIN_LEN, 21):
            yield char * length
    for unit in ["12", "123", "1234", "12345", "123456", "abc", "abcd", "abc123", "qwe", "asd", "xyz",
                 "01", "10", "69", "99", "007", "696", "112233", "101", "2020", "1212", "qwerty", "abcabc",
                 "aa", "ab", "abab", "ha", "haha", "lol", "xo", "xox", "123abc", "1a2b3c", "a1b2c3",
                 "password", "pass", "love", "admin", "test", "hello", "monkey", "dragon", "qwert", "asdf"]:
        for repeat in range(2, 8):
            candidate = unit * repeat
            if len(candidate) >= MIN_LEN:
                yield candidate
    for digits_run in ["112233445566", "111222333444", "102030405060", "123321123321", "147258369147",
                       "159357159357", "147852369147", "741852963741", "789456123789", "963852741963",
                       "123654789123", "135792468000", "246813579000", "314159265358", "271828182845",
                       "1234512345", "123456654321", "123456123456", "987654321123"]:
        yield digits_run


def combined():
    for word in WORDS:
        for prefix in ["", "my", "ilove"]:
            yield prefix + word
            for tail in SHORT_TAILS:
                yield prefix + word + tail
        yield word + word
        for tail in TAILS:
            yield word + tail
        for year in YEARS:
            yield word + year
        for year in RECENT_YEARS:
            yield word + year + "!"
    for phrase in PHRASES:
        yield phrase
        for tail in ["1", "12", "123", "1234", "!", "1!", "123!", "2024", "2025", "2026"]:
            yield phrase + tail
    for first, second in itertools.product(["password", "qwerty", "letmein", "welcome", "iloveyou", "admin",
                                            "monkey", "dragon", "football", "sunshine", "princess"],
                                           ["password", "qwerty", "letmein", "welcome", "iloveyou", "admin",
                                            "monkey", "dragon", "football", "sunshine", "princess", "123456",
                                            "abc123", "1234567890"]):
        yield first + second


def normalise(candidate):
    return "".join(candidate.lower().split())


def main():
    entries = set()
    for candidate in itertools.chain(combined(), walks(), sequences()):
        entry = normalise(candidate)
        # A leading '#' would read as a comment line.
        if MIN_LEN <= len(entry) <= MAX_LEN and not entry.startswith("#"):
            entries.add(entry)
    print("# Common passwords of 12 or more characters, one a line, lower case, no spaces, sorted.")
    print("# Made by make-common-passwords.py (read it for where the shapes come from). Lines starting")
    print("# with '#' are comments.")
    for entry in sorted(entries):
        print(entry)


if __name__ == "__main__":
    main()
