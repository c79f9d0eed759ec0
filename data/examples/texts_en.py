"""Hand-written English comments for the example creators (fictional people and posts).

See texts_vi.py for what each list means.
"""

CREATORS = [
    {"creator_id": "en_sambakes", "name": "Sam Bakes Bread", "followers": 34000, "platform": "instagram", "language": "en", "price": 1100, "currency": "USD", "kind": "genuine"},
    {"creator_id": "en_maya.plants", "name": "Maya's Plant Corner", "followers": 22300, "platform": "tiktok", "language": "en", "price": 600, "currency": "USD", "kind": "genuine"},
    {"creator_id": "en_tyler.wealth", "name": "Tyler Wealth Lifestyle", "followers": 412000, "platform": "instagram", "language": "en", "price": 4800, "currency": "USD", "kind": "bought"},
    {"creator_id": "en_jess.fitlife", "name": "Jess FitLife", "followers": 15200, "platform": "youtube", "language": "en", "price": None, "currency": None, "kind": "mixed"},
]

POSTS = {
    "en_sambakes": [
        {
            "title": "Sourdough starter, day 1 to day 7",
            "sponsored": False,
            "substantive": [
                "mine smelled like nail polish remover on day 4, is that normal or did I kill it",
                "do you use filtered water? my tap water has a lot of chlorine",
                "switched to rye flour on day 3 like you said and it finally doubled, thank you!!",
                "what temp is your kitchen? mine is like 65F and nothing is happening",
                "the hooch on day 5 freaked me out lol, good to know you just pour it off",
                "how much do you discard each time, the whole thing minus 50g?",
                "my starter doubles but then collapses in 4 hours, is it ready to bake with?",
                "love that you showed the failed jar too, most people only show the pretty one",
                "can I keep it in the fridge after day 7 and feed once a week?",
                "used your ratio 1:1:1 and it's been 2 weeks, still going strong, named him Doughy",
            ],
            "replies": ["Yes! Once it doubles reliably in 4-6h you can fridge it and feed weekly"],
        },
        {
            "title": "Focaccia garden art (no-knead)",
            "sponsored": False,
            "substantive": [
                "how do you keep the chive stems from burning? mine went black at 220C",
                "is that 80% hydration? the dough looks super loose",
                "made this for my mom's birthday with red onion flowers, everyone lost it",
                "do you cold proof overnight or bake the same day",
                "the olive oil amount in the pan felt like too much but it's honestly the secret",
                "what kind of tomatoes did you use for the tulips",
                "my dimples keep disappearing in the oven, should I press deeper?",
                "could I do this with half whole wheat flour or will it get dense",
                "the peppers on top turned soggy for me, maybe I should pat them dry first",
            ],
            "replies": ["Brush the herbs with oil right before baking, it keeps them green", "Same day, 2 folds then 2h rise"],
        },
        {
            "title": "Overnight cinnamon rolls",
            "sponsored": False,
            "substantive": [
                "if they proof in the fridge overnight how long do they need at room temp in the morning",
                "used dental floss to cut them like you did, game changer",
                "the heavy cream poured over before baking is genius, they were so gooey",
                "can I freeze them after shaping?",
                "mine came out dry on the edges, maybe I overbaked, 25 min at 350?",
                "brown butter in the filling next time, trust me",
                "what size pan is that, 9x13?",
                "made these for christmas morning and zero left by 10am",
            ],
            "replies": ["About 45 min on the counter, until they look puffy"],
        },
        {
            "title": "Banana bread: the ratio I always use",
            "sponsored": False,
            "substantive": [
                "3 bananas or 4? your written recipe says 3 but the video looks like 4",
                "swapped half the butter for greek yogurt and it was still super moist",
                "why baking soda and not powder?",
                "the tip about letting the batter rest 20 min before baking made a crazy difference in the dome",
                "can I use frozen bananas? they get kinda watery when thawed",
                "added walnuts and a little espresso powder, 10/10",
                "mine sank in the middle, oven temp too low maybe?",
            ],
            "replies": ["3 big ones or 4 small, around 350g peeled"],
        },
        {
            "title": "Croissant lamination: my 3rd fail and what I learned",
            "sponsored": False,
            "substantive": [
                "the butter breaking into chunks is so relatable, mine shattered at the 2nd fold",
                "european butter vs regular, does it really matter for lamination?",
                "what's the dough temp you aim for before each fold",
                "thank you for posting fails, it makes me feel better about my bread bricks",
                "try chilling 30 min between every fold, not just after the 2nd one, that fixed mine",
                "the cross section at 6:12 actually looks decent for a fail",
                "how thin do you roll it before cutting the triangles",
                "proofing at 26C max or the butter leaks out, learned that the hard way",
            ],
            "replies": ["Yes, higher fat butter bends instead of snapping. 82% at least"],
        },
    ],
    "en_maya.plants": [
        {
            "title": "Monstera propagation in water vs soil",
            "sponsored": False,
            "substantive": [
                "how long before the roots were long enough to pot up",
                "my cutting has an aerial root but no node, will it ever grow?",
                "water prop for 6 weeks then perlite worked way better for me than straight to soil",
                "do you change the water every week or just top it off",
                "what's that glass jar from? love the shape",
                "mine has been in water for 2 months with roots and no new leaf, is that normal",
                "the comparison at week 4 is wild, soil one barely did anything",
                "cutting below the node at an angle vs straight, does it matter?",
            ],
            "replies": ["About 2-3 inches of roots, plus a few secondary ones"],
        },
        {
            "title": "Fungus gnats: what actually worked",
            "sponsored": False,
            "substantive": [
                "BTI dunks saved my whole collection last winter, agree 100%",
                "does the sand top layer make it harder to tell when to water",
                "I tried the cinnamon trick and it did nothing lol",
                "are yellow sticky traps enough on their own?",
                "bottom watering helped me more than anything, the top inch stays dry",
                "hydrogen peroxide ratio again? 1 part to 4 parts water?",
                "they came back after I brought home a new plant, quarantine your new plants people",
            ],
            "replies": ["1:4 with 3% peroxide, it fizzes, that's fine"],
        },
        {
            "title": "Why your calathea has crispy edges",
            "sponsored": False,
            "substantive": [
                "switched to distilled water and the new leaves are finally clean, thank you",
                "is a pebble tray actually enough humidity or do I need a humidifier",
                "mine is right next to the heater, that explains a lot",
                "should I cut the crispy parts off or the whole leaf",
                "my white fusion is dramatic no matter what I do 😭",
                "what humidity % do you keep yours at",
                "the part about tap water fluoride was new to me",
            ],
            "replies": ["Trim just the brown edge following the leaf shape, the rest still photosynthesizes"],
        },
        {
            "title": "Repotting a root-bound snake plant",
            "sponsored": False,
            "substantive": [
                "how did you get it out of the plastic pot without cutting it",
                "you split it into 3, do all of them need a pup to survive?",
                "terracotta or plastic for snake plants?",
                "my snake plant literally cracked its pot, sending this to my roommate",
                "what soil mix is that, it looks super chunky",
                "should I wait to water after repotting?",
            ],
            "replies": ["Wait about a week before watering so broken roots can callus"],
        },
        {
            "title": "Testing a full-spectrum grow light for 30 days",
            "sponsored": True,
            "substantive": [
                "how far above the plants did you mount it",
                "honest that you said it's loud-ish, most sponsored reviews skip that",
                "the pothos growth in 30 days is impressive, is it on a timer?",
                "does it get hot enough to burn leaves up close",
                "would this work for a small herb setup in the kitchen",
                "12 hours on a timer or more for the succulents?",
            ],
            "replies": ["About 30cm above, 12h on a smart plug"],
        },
    ],
    "en_tyler.wealth": [
        {"title": "My 5am morning routine", "sponsored": False,
         "substantive": ["do you actually sleep at 9pm to get up at 5? sounds rough with kids"]},
        {"title": "3 passive income streams that pay my rent", "sponsored": False,
         "substantive": ["how much did you need to start the vending machine one"]},
        {"title": "Unboxing my first luxury watch", "sponsored": False, "substantive": []},
        {"title": "Is dropshipping dead in 2025?", "sponsored": False,
         "substantive": ["what's your refund rate though, that's what killed my store"]},
        {"title": "My trading course is open (link in bio)", "sponsored": True, "substantive": []},
        {"title": "Dubai week vlog", "sponsored": False,
         "substantive": ["which hotel is that pool on the roof?"]},
    ],
    "en_jess.fitlife": [
        {"title": "20 minute no-equipment HIIT", "sponsored": False,
         "substantive": [
             "the jump squat to lunge combo at 12:30 destroyed me, in a good way",
             "any low impact swaps for the burpees? I live in an apartment",
             "did this 3x this week, went from needing breaks every round to only one",
             "is it ok to do this every day or should I rest between",
             "45 on 15 off is perfect for beginners, thanks",
         ]},
        {"title": "Protein pancakes, 3 ingredients", "sponsored": False,
         "substantive": [
             "mine stuck to the pan every time, nonstick or cast iron?",
             "can I use pea protein instead of whey?",
             "added cinnamon and blueberries, kids ate them too",
             "how many grams of protein per serving roughly",
         ]},
        {"title": "What's in my gym bag (sponsored)", "sponsored": True,
         "substantive": ["is the bottle actually leakproof, mine always leaks in my bag"]},
        {"title": "Glute workout that finally worked for me", "sponsored": False,
         "substantive": [
             "hip thrusts with a pause at the top made such a difference",
             "what weight did you start with on the hip thrust",
             "my knees hurt on bulgarian split squats, any tips?",
             "been doing this program 6 weeks, my squat went up 15lbs",
             "do you do this once or twice a week?",
         ]},
        {"title": "Pre-workout review: 4 brands tested", "sponsored": True,
         "substantive": ["the tingling from beta alanine freaks me out, is it safe?"]},
    ],
}

GENERIC = [
    "love this", "so good", "🔥🔥🔥", "❤️", "omg yes", "this is everything", "amazing",
    "goals", "obsessed", "wow", "need this", "yum", "looks so good", "😍😍", "saving this",
    "slay", "ate", "no cap this is fire", "bestie you ate", "lowkey want this", "fr",
    "so pretty", "🙌", "nice", "love it", "this!!", "queen", "beautiful", "the vibes",
    "ngl this is cool", "yesss", "👏👏", "so cute", "this is so satisfying", "perfection",
    "living for this", "omg", "gorgeous", "cool", "🤩", "need to try this", "saving for later",
    "first", "lol love", "iconic", "wow just wow", "you never miss", "so inspiring",
]

COPY_PASTE = [
    [
        "Amazing content as always, keep up the great work and never stop inspiring us!!",
        "Amazing content as always, keep up the great work and never stop inspiring us 🔥🔥",
        "amazing content as always keep up the great work and never stop inspiring us",
        "Amazing content as always! Keep up the great work and never stop inspiring us!!!",
        "Amazing contents as always, keep up the great work and never stop inspiring us",
        "Amazing content as always, keep up the good work and never stop inspiring us!!",
    ],
    [
        "This is exactly what I needed to see today, thank you for the motivation king",
        "This is exactly what I needed to see today, thank you for the motivation king 👑",
        "this is exactly what i needed to see today thank you for the motivation king",
        "This is exactly what I needed to see today. Thank you for the motivation, king!",
        "This is exactly what I needed to hear today, thank you for the motivation king",
    ],
    [
        "Great workout, I did it this morning and feel amazing, thank you so much coach",
        "Great workout, I did it this morning and feel amazing, thank you so much coach 💪",
        "great workout i did it this morning and feel amazing thank you so much coach",
        "Great workout! I did it this morning and feel amazing, thank you so much coach!!",
    ],
]

BAIT = [
    "DM me on whatsapp +1 415 555 0199 to learn how I made $5k a week trading",
    "f4f? followed you, follow back 🙏",
    "check out my page for daily motivation 💯",
    "I was skeptical too until I met Mrs. Karen on telegram @karen_fx_mentor, life changing",
    "sub4sub anyone, I always sub back",
    "promote it on my page, DM me",
    "check my profile for free giveaways 🎁",
]

POD = [
    "This is fire 🔥🔥",
    "Absolutely love this, keep going",
    "Goals!! 🙌",
    "So inspiring, needed this today",
    "Incredible as always",
]
