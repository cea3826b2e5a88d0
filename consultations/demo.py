# ruff: noqa: RUF001 - names and sentences in other scripts are the point of this file.
"""Word stock for `manage.py generate_demo`: names in several scripts, places in every region,
and sentences in the six UN languages, from which a seeded random generator builds varied records.

Every demo record is marked so that `--clear` finds it again: the DEMO process and its hearings,
slugs starting with `demo-`, references starting with `DEMO-`.
"""

import hashlib
import re
import sys
import unicodedata

DEMO_CODE = "DEMO"
DEMO_SLUG_PREFIX = "demo-"
DEMO_EMAIL_DOMAIN = "demo.invalid"

# Countries of each M49 region, with a city for venues and addresses.
COUNTRIES = {
    "africa": [
        ("SN", "Dakar"),
        ("KE", "Nairobi"),
        ("NG", "Lagos"),
        ("ZA", "Johannesburg"),
        ("EG", "Cairo"),
        ("MA", "Rabat"),
        ("ET", "Addis Ababa"),
        ("GH", "Accra"),
        ("CD", "Kinshasa"),
        ("TN", "Tunis"),
    ],
    "americas": [
        ("MX", "Mexico City"),
        ("BR", "São Paulo"),
        ("CO", "Bogotá"),
        ("US", "New York"),
        ("CA", "Montreal"),
        ("AR", "Buenos Aires"),
        ("GT", "Guatemala City"),
        ("HT", "Port-au-Prince"),
        ("PE", "Lima"),
        ("CL", "Santiago"),
    ],
    "asia": [
        ("CN", "Beijing"),
        ("IN", "New Delhi"),
        ("BD", "Dhaka"),
        ("PH", "Manila"),
        ("JO", "Amman"),
        ("LB", "Beirut"),
        ("TH", "Bangkok"),
        ("KZ", "Almaty"),
        ("NP", "Kathmandu"),
        ("JP", "Tokyo"),
    ],
    "europe": [
        ("CH", "Geneva"),
        ("FR", "Paris"),
        ("DE", "Berlin"),
        ("ES", "Madrid"),
        ("IT", "Rome"),
        ("RU", "Moscow"),
        ("GR", "Athens"),
        ("PL", "Warsaw"),
        ("SE", "Stockholm"),
        ("AT", "Vienna"),
    ],
    "oceania": [
        ("AU", "Sydney"),
        ("NZ", "Wellington"),
        ("FJ", "Suva"),
        ("PG", "Port Moresby"),
        ("WS", "Apia"),
    ],
}

VENUES = [
    ("Conference Room 4, United Nations Headquarters", "New York", "US", "America/New_York"),
    ("Trusteeship Council Chamber", "New York", "US", "America/New_York"),
    ("Room XIX, Palais des Nations", "Geneva", "CH", "Europe/Zurich"),
    ("Room XVII, Palais des Nations", "Geneva", "CH", "Europe/Zurich"),
    ("Vienna International Centre", "Vienna", "AT", "Europe/Vienna"),
    ("United Nations Office at Nairobi", "Nairobi", "KE", "Africa/Nairobi"),
    ("UN Conference Centre", "Bangkok", "TH", "Asia/Bangkok"),
    ("UN Conference Centre", "Addis Ababa", "ET", "Africa/Addis_Ababa"),
    ("ECLAC headquarters", "Santiago", "CL", "America/Santiago"),
]

THEMES = [
    "migration governance",
    "climate mobility",
    "decent work for migrant workers",
    "refugee protection",
    "the rights of the child",
    "financing for development",
    "digital inclusion",
    "oceans and small island states",
    "water and sanitation",
    "gender equality",
    "urban resilience",
    "statelessness",
    "universal health coverage",
    "indigenous peoples",
    "disaster risk reduction",
]

# The phases of a demo process, in order (`generate_demo` dates them around its hearings).
PHASES = [
    ("Consultations", "Hearings and regional consultations gather the views of stakeholders."),
    ("Stocktaking", "The inputs are brought together and the main proposals identified."),
    ("Intergovernmental negotiations", "Member States negotiate the text, draft by draft."),
    ("Adoption and follow-up", "The text is adopted; its implementation is reviewed."),
]

HEARING_KINDS = [
    "Informal interactive multi-stakeholder hearing on {theme}",
    "Multi-stakeholder consultation on {theme}",
    "Interactive civil society hearing on {theme}",
    "Stakeholder dialogue on {theme}",
]

PANEL_TITLES = [
    "Panel {n}: {theme} in practice",
    "Panel {n}: voices from the regions on {theme}",
    "Panel {n}: what works, and what does not, in {theme}",
    "Panel {n}: partnerships for {theme}",
]

# Regional discussions and the M49 regions each is about (the Middle East is in Western Asia).
REGIONAL_DISCUSSIONS = [
    ("Africa and the Middle East", ["africa", "asia"]),
    ("Asia and the Pacific", ["asia", "oceania"]),
    ("Latin America and the Caribbean", ["americas"]),
    ("Europe and North America", ["americas", "europe"]),
]

# Given and family names in several scripts and traditions.
GIVEN_NAMES = [
    "Amina",
    "Kwame",
    "Chidi",
    "Fatou",
    "Thabo",
    "Nomvula",
    "Yusuf",
    "Aïcha",
    "María José",
    "João",
    "Camila",
    "Andrés",
    "Luz",
    "Esteban",
    "Ximena",
    "Raúl",
    "Søren",
    "Élodie",
    "François",
    "Małgorzata",
    "Željko",
    "Björn",
    "Ines",
    "Dimitra",
    "Анна",
    "Дмитрий",
    "Ольга",
    "Сергей",
    "محمد",
    "فاطمة",
    "ليلى",
    "عمر",
    "伟",
    "芳",
    "秀英",
    "明",
    "さくら",
    "健",
    "प्रिया",
    "अर्जुन",
    "Nguyễn",
    "Siosaia",
    "Mere",
    "Aroha",
]
FAMILY_NAMES = [
    "Diallo",
    "Okafor",
    "Mensah",
    "Ndlovu",
    "Kamau",
    "Traoré",
    "Haddad",
    "Benali",
    "García",
    "Fernández",
    "da Silva",
    "Quispe",
    "Rodríguez",
    "Gómez",
    "Pérez",
    "Núñez",
    "Müller",
    "Dubois",
    "Kowalska",
    "Jørgensen",
    "Papadopoulou",
    "Rossi",
    "Novák",
    "Lefèvre",
    "Иванова",
    "Смирнов",
    "Кузнецова",
    "Попов",
    "الحسيني",
    "المصري",
    "الخطيب",
    "بن علي",
    "王",
    "李",
    "张",
    "陈",
    "佐藤",
    "鈴木",
    "शर्मा",
    "पटेल",
    "Trần",
    "Tupou",
    "Ngata",
    "Kealoha",
]
HONORIFICS = ["Ms.", "Mr.", "Dr.", "Prof.", "H.E. Ms.", "H.E. Mr.", ""]
POSITIONS = [
    "Executive Director",
    "Programme Officer",
    "Policy Adviser",
    "Coordinator",
    "Researcher",
    "Permanent Representative",
    "Deputy Permanent Representative",
    "Legal Officer",
    "Chief of Section",
    "President",
    "Secretary-General",
    "Founder",
]

# Organization names: a kind and a focus per category, in several languages and scripts.
ORGANIZATION_PATTERNS = {
    "civil_society": [
        "{place} Migrant Rights Network",
        "Réseau {place} pour les droits des migrants",
        "Red {place} de Mujeres Migrantes",
        "Coalition for {theme} in {place}",
        "Ассоциация «{place}» по защите беженцев",
        "جمعية {place} لحقوق المهاجرين",
        "{place}移民权益中心",
        "{place} Youth for {theme}",
    ],
    "academia": [
        "University of {place}, Centre for {theme}",
        "Institut d'études sur {theme}, {place}",
        "Universidad de {place}, Observatorio de {theme}",
        "{place}大学 移民研究所",
    ],
    "private_sector": [
        "{place} Chamber of Commerce",
        "{place} Recruitment Alliance",
        "Fédération des employeurs de {place}",
    ],
    "trade_union": [
        "{place} Federation of Domestic Workers",
        "Confederación Sindical de {place}",
        "Syndicat des travailleurs migrants de {place}",
    ],
    "intergovernmental": [
        "Regional Consultative Process on {theme} ({place})",
        "Organisation régionale pour {theme}, {place}",
    ],
    "un_system": [
        "UN Country Team, {place}",
        "United Nations Network on {theme}, {place} office",
    ],
    "other": [
        "{place} Diaspora Forum",
        "Fondation {place} pour {theme}",
    ],
}

# Sentences in each UN official language; a contribution's body is a sequence of paragraphs
# drawn from its language's list.
SENTENCES = {
    "en": [
        "We welcome the opportunity to contribute to this hearing and to the preparation of the "
        "outcome document.",
        "Migrants and their families must be able to access basic services without fear of "
        "detention or deportation.",
        "Regular pathways for labour migration should be expanded and made accessible to workers "
        "at every skill level.",
        "Local authorities are often the first to respond, yet they are rarely consulted when "
        "national policies are drafted.",
        "Data on the situation of women and girls on the move remains scarce and fragmented.",
        "We recommend that Member States end the detention of children for reasons of their "
        "migration status.",
        "Recruitment fees charged to workers create debt bondage and should be abolished.",
        "Climate change already forces people to leave their homes, and existing frameworks do "
        "not protect them.",
        "Civil society organizations should take part in the follow-up and review of the "
        "commitments made here.",
        "Remittances sustain millions of households, and the cost of sending them remains too "
        "high.",
        "Our members have documented hundreds of cases of exploitation along the route.",
        "Access to justice must not depend on a person's migration status.",
    ],
    "fr": [
        "Nous saluons la possibilité de contribuer à cette audition et à la préparation du "
        "document final.",
        "Les migrants et leurs familles doivent pouvoir accéder aux services essentiels sans "
        "crainte d'être détenus ou expulsés.",
        "Les voies de migration régulière doivent être élargies et rendues accessibles à tous "
        "les travailleurs.",
        "Les autorités locales sont souvent les premières à répondre, mais elles sont rarement "
        "consultées.",
        "Les données sur la situation des femmes et des filles en déplacement restent rares et "
        "fragmentées.",
        "Nous recommandons que les États membres mettent fin à la détention des enfants en "
        "raison de leur statut migratoire.",
        "Les frais de recrutement imposés aux travailleurs créent une servitude pour dettes.",
        "Le changement climatique force déjà des personnes à quitter leur foyer.",
        "La société civile doit participer au suivi et à l'examen des engagements pris ici.",
        "Les envois de fonds font vivre des millions de ménages ; leur coût reste trop élevé.",
    ],
    "es": [
        "Agradecemos la oportunidad de contribuir a esta audiencia y a la preparación del "
        "documento final.",
        "Las personas migrantes y sus familias deben poder acceder a los servicios básicos sin "
        "temor a la detención o la deportación.",
        "Las vías regulares de migración laboral deben ampliarse y ser accesibles para todas las "
        "personas trabajadoras.",
        "Las autoridades locales suelen ser las primeras en responder, pero casi nunca se las "
        "consulta.",
        "Los datos sobre la situación de las mujeres y niñas migrantes siguen siendo escasos.",
        "Recomendamos que los Estados Miembros pongan fin a la detención de niñas y niños por "
        "su situación migratoria.",
        "Las comisiones de contratación cobradas a los trabajadores generan servidumbre por "
        "deudas.",
        "El cambio climático ya obliga a muchas personas a abandonar sus hogares.",
        "Las remesas sostienen a millones de hogares y su costo sigue siendo demasiado alto.",
        "El acceso a la justicia no debe depender de la situación migratoria de una persona.",
    ],
    "ar": [
        "نرحب بفرصة المساهمة في جلسة الاستماع هذه وفي إعداد الوثيقة الختامية.",
        "يجب أن يتمكن المهاجرون وأسرهم من الحصول على الخدمات الأساسية دون خوف من الاحتجاز.",
        "ينبغي توسيع مسارات الهجرة النظامية وجعلها متاحة لجميع العمال.",
        "غالبا ما تكون السلطات المحلية أول من يستجيب، لكنها نادرا ما تستشار.",
        "لا تزال البيانات المتعلقة بالنساء والفتيات المهاجرات شحيحة ومجزأة.",
        "نوصي بأن تنهي الدول الأعضاء احتجاز الأطفال بسبب وضعهم كمهاجرين.",
        "تؤدي رسوم التوظيف المفروضة على العمال إلى عبودية الديون.",
        "يجبر تغير المناخ الناس بالفعل على مغادرة ديارهم.",
    ],
    "zh": [
        "我们欢迎有机会为本次听证会和成果文件的编写作出贡献。",
        "移民及其家人必须能够获得基本服务，而不必担心被拘留或驱逐。",
        "应扩大正常的劳务移民渠道，并使各级技能的工人都能利用。",
        "地方当局往往是第一响应者，但在制定国家政策时很少征求其意见。",
        "关于流动中的妇女和女童处境的数据仍然稀少而零散。",
        "我们建议会员国停止因移民身份而拘留儿童。",
        "向工人收取的招聘费造成债务奴役，应予废除。",
        "气候变化已经迫使人们离开家园。",
    ],
    "ru": [
        "Мы приветствуем возможность внести вклад в эти слушания и в подготовку итогового "
        "документа.",
        "Мигранты и их семьи должны иметь доступ к основным услугам без страха задержания.",
        "Следует расширить законные пути трудовой миграции для работников любой квалификации.",
        "Местные органы власти первыми откликаются на нужды людей, но с ними редко советуются.",
        "Данных о положении женщин и девочек в пути по-прежнему мало.",
        "Мы рекомендуем государствам-членам прекратить задержание детей из-за их миграционного "
        "статуса.",
        "Плата за вербовку, взимаемая с работников, порождает долговую кабалу.",
        "Изменение климата уже вынуждает людей покидать свои дома.",
    ],
}

TITLES = {
    "en": [
        "Recommendations on {theme}",
        "Written statement on {theme}",
        "Lessons from the field: {theme}",
        "Contribution of our network on {theme}",
    ],
    "fr": ["Recommandations sur {theme}", "Déclaration écrite : {theme}"],
    "es": ["Recomendaciones sobre {theme}", "Declaración escrita: {theme}"],
    "ar": ["توصيات بشأن {theme}"],
    "zh": ["关于{theme}的建议"],
    "ru": ["Рекомендации по теме «{theme}»"],
}

KEY_MESSAGES = [
    "Expand regular pathways and make them affordable.",
    "End the detention of children for migration-related reasons.",
    "Include local authorities and civil society in the follow-up.",
    "Collect data broken down by sex, age and migration status.",
    "Protect people displaced by climate change and disasters.",
    "Abolish recruitment fees charged to workers.",
]


def _combining_marks():
    """Every combining code point, so that stripping accents is one C-level `str.translate`."""
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


_STRIP_MARKS = None


def fast_fingerprint(text):
    """The same value as `consultations.models.submissions.body_fingerprint`, computed without a
    Python loop over every character: a hundred thousand long bodies take seconds, not a minute."""
    global _STRIP_MARKS
    if _STRIP_MARKS is None:
        _STRIP_MARKS = _combining_marks()
    folded = unicodedata.normalize("NFKD", text.casefold()).translate(_STRIP_MARKS)
    words = re.findall(r"\w+", folded)
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:32]


SENTENCE_BREAK = re.compile(r"(?<=[.!?。؟])\s*")


def spliced_sentence(rng, language):
    """A sentence of the first half of one stock sentence and the second half of another, so
    that texts written independently share halves, as texts on one topic do, but rarely whole
    sentences."""
    first, second = rng.choice(SENTENCES[language]), rng.choice(SENTENCES[language])
    if " " not in first:  # scripts written without spaces
        return first[: len(first) // 2] + second[len(second) // 2 :]
    head, tail = first.split(" "), second.split(" ")
    return " ".join(head[: len(head) // 2] + tail[len(tail) // 2 :])


def paragraph_sentences(paragraph):
    return [sentence for sentence in SENTENCE_BREAK.split(paragraph) if sentence]


def campaign_variant(rng, text, language, name, place):
    """One copy of a campaign's text as its senders change it: punctuation or case touched, a
    signature added, sentences put in another order, a sentence of their own added or one
    replaced."""
    paragraphs = text.split("\n\n")
    joiner = "" if language == "zh" else " "
    if rng.random() < 0.3:
        index = rng.randrange(len(paragraphs))
        sentences = paragraph_sentences(paragraphs[index])
        rng.shuffle(sentences)
        paragraphs[index] = joiner.join(sentences)
    if rng.random() < 0.15 and len(paragraphs) > 2:
        first, second = rng.sample(range(len(paragraphs)), 2)
        paragraphs[first], paragraphs[second] = paragraphs[second], paragraphs[first]
    if rng.random() < 0.15:
        index = rng.randrange(len(paragraphs))
        sentences = paragraph_sentences(paragraphs[index])
        sentences[rng.randrange(len(sentences))] = spliced_sentence(rng, language)
        paragraphs[index] = joiner.join(sentences)
    if rng.random() < 0.2:
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), spliced_sentence(rng, language))
    variant = "\n\n".join(paragraphs)
    if rng.random() < 0.5:
        variant = variant.replace(" ", ", ", 1) if rng.random() < 0.5 else variant.upper()
    if rng.random() < 0.6:
        variant += "\n\n" + rng.choice(SIGNATURES).format(name=name, place=place)
    return variant


SIGNATURES = ["{name}, {place}", "Signed: {name} ({place})", "— {name}", "{name}\n{place}"]
