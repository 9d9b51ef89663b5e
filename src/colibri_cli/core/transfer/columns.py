"""What each kind of record is made of in a file, and how a file's headers are read.

The fields of a kind are the columns of its export, plus a few that only an import reads
(`account_external_id`, a contact's `first_name` and `last_name`). A header matches a field
when, ignoring case, accents, spaces, underscores, hyphens and punctuation, it is the
field's name or one of its common English or French synonyms ("Montant", "Date
d'échéance", "close_date"), possibly behind the kind's own prefix ("Deal - Value").
`--map COLUMN=FIELD` settles the rest; `--map COLUMN=` ignores a column.
"""

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.text import fold
from colibri_cli.i18n import _

REJECT_REASON = "reject_reason"
"""The column a rejects file adds; reading such a file again ignores it without a notice."""


def normalize(header: str) -> str:
    """'Date d'échéance' -> 'datedecheance': what two spellings of one header share."""
    return re.sub(r"[^0-9a-z]+", "", fold(header))


@dataclass(frozen=True)
class Kind:
    """One kind of record as files know it."""

    name: str
    """The command's word: accounts, contacts, opps, tasks, activities."""
    plural: str
    singular: str
    table: str
    export_columns: tuple[str, ...]
    import_only: tuple[str, ...]
    synonyms: Mapping[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]
    """Each entry is a field, or alternatives of which one is enough (account or its id)."""
    prefixes: tuple[str, ...] = ()
    """Words a tool may put before every header of this kind ("Deal - Title")."""
    yielding: tuple[str, ...] = ()
    """Synonyms that give way to another column read as the same field: Salesforce's
    ExpectedRevenue is the amount weighted, Odoo's expected_revenue the amount itself."""
    besides: Mapping[str, str] = field(default_factory=dict)
    """Synonyms that mean another field beside a column that takes their own: Bitrix24's
    OPPORTUNITY is the amount when TITLE is the name."""
    filling: tuple[str, ...] = ()
    """Synonyms that give way to another column read as the same field but fill the rows
    it leaves empty: Odoo's partner_id (the customer) where partner_name is empty."""
    by_outcome: Mapping[str, str] = field(default_factory=dict)
    """Synonyms that name a field for the deals of one outcome: beside another column of
    that field, each is read as that outcome's own field (Pipedrive's "Won time" and "Lost
    time" as won_closed_on and lost_closed_on), and a row takes the one of its outcome."""
    lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in self.fields:
            self._add(normalize(name), name)
        for name, words in self.synonyms.items():
            for word in words:
                self._add(normalize(word), name)

    def _add(self, key: str, name: str) -> None:
        known = self.lookup.setdefault(key, name)
        if known != name:
            raise ValueError(f"{self.name}: {key!r} is a synonym of both {known} and {name}")

    @property
    def fields(self) -> tuple[str, ...]:
        return self.export_columns + self.import_only

    def rank(self, header: str) -> int:
        """How closely a header names its field: lower is closer (the field's own name, then
        its synonyms in the order they are listed)."""
        word = self.word_of(header)
        return next(number for number, key in enumerate(self.lookup) if key == word)

    def besides_field(self, header: str) -> str | None:
        """The field a header means beside another column of its own field, if any."""
        return self.besides.get(self.word_of(header))

    def outcome_field(self, header: str) -> str | None:
        """The field a header means for the deals of its outcome alone, if it is one."""
        word = self.word_of(header)
        return next((name for key, name in self.by_outcome.items() if normalize(key) == word), None)

    def fills(self, header: str) -> bool:
        return self.word_of(header) in {normalize(word) for word in self.filling}

    def yields(self, header: str) -> bool:
        return self.word_of(header) in {normalize(word) for word in self.yielding}

    def field_for(self, header: str) -> str | None:
        """The field a header means, if any."""
        return self.lookup.get(self.word_of(header))

    def word_of(self, header: str) -> str:
        """A header normalized, without the kind's prefix if what follows it is known
        ("Deal - Stage" -> "stage")."""
        key = normalize(header)
        if key in self.lookup:
            return key
        for prefix in self.prefixes:
            rest = key.removeprefix(prefix)
            if rest != key and rest in self.lookup:
                return rest
        return key


_ACCOUNT_NAMES = (
    "account name",
    "compte",
    "nom du compte",
    "company",
    "company name",
    "associated company",
    "société",
    "nom de la société",
    "entreprise",
    "nom de l'entreprise",
    "organization",
    "organisation",
    "organization name",
    "org name",
    "client",
    "customer",
    "customer name",
    "raison sociale",
    "partner name",
    "partner id",
    "related to",
    "company title",
)
_ACCOUNT_IDS = (
    "account id",
    "account external id",
    "company id",
    "organization id",
    "customer id",
    "id du compte",
    "id compte",
    "id client",
    "code client",
)
_EMAIL = ("e-mail", "mail", "courriel", "email address", "adresse e-mail", "adresse email")
_PHONE = ("téléphone", "tel", "tél", "phone number", "numéro de téléphone", "telephone number")
_NOTES = ("note", "comments", "comment", "commentaires", "commentaire", "remarques", "remarque")
_IDS = (
    "id",
    "record id",
    "identifiant",
    "référence",
    "ref",
    "external id",
    "attributes.referenceId",
)
"""The last: the "@AccountRef1" a Salesforce (sfdx) tree file gives each record, by which
the records of its other files refer to it."""

ACCOUNTS = Kind(
    name="accounts",
    plural="accounts",
    singular="account",
    table="accounts",
    export_columns=(
        "name",
        "industry",
        "email",
        "phone",
        "website",
        "city",
        "country",
        "notes",
        "external_id",
    ),
    import_only=(),
    synonyms={
        "name": ("nom", "account", "title", *_ACCOUNT_NAMES),
        "industry": ("secteur", "secteur d'activité", "sector", "industrie", "activité"),
        "email": _EMAIL,
        "phone": _PHONE,
        "website": (
            "web site",
            "site",
            "site web",
            "site internet",
            "url",
            "web",
            "domain",
            "company domain name",
            "domaine",
        ),
        "city": ("ville", "town", "localité", "commune", "billing city"),
        "country": ("pays", "country/region", "country region", "billing country"),
        "notes": _NOTES,
        "external_id": (*_IDS, *_ACCOUNT_IDS),
    },
    required=(("name",),),
    prefixes=("account", "compte", "company", "organization", "organisation", "societe"),
)

CONTACTS = Kind(
    name="contacts",
    plural="contacts",
    singular="contact",
    table="contacts",
    export_columns=("name", "account", "email", "phone", "role", "notes", "external_id"),
    import_only=("first_name", "last_name", "account_external_id"),
    synonyms={
        "name": ("nom", "contact", "contact name", "full name", "nom complet", "display name"),
        "first_name": ("prénom", "first name", "given name", "forename"),
        "last_name": ("last name", "surname", "family name", "nom de famille"),
        "account": _ACCOUNT_NAMES,
        "account_external_id": _ACCOUNT_IDS,
        "email": _EMAIL,
        "phone": _PHONE,
        "role": ("rôle", "job title", "title", "titre", "fonction", "poste", "position", "job"),
        "notes": _NOTES,
        "external_id": (*_IDS, "contact id"),
    },
    required=(("name", "first_name", "last_name"), ("account", "account_external_id")),
    prefixes=("contact", "person", "personne"),
)

OUTCOME_WORDS = frozenset(normalize(word) for word in ("status", "statut", "état", "deal status"))
"""Headers that, beside a stage column, give a deal's outcome rather than its stage."""

IF_EMPTY = "_if_empty"
"""The field of a column that fills the rows another column of its field leaves empty."""
OUTCOME_FIELDS = {
    "won_closed_on": "closed_on",
    "lost_closed_on": "closed_on",
    "won_close_reason": "close_reason",
    "lost_close_reason": "close_reason",
}
"""The closing date and reason of won deals alone and of the others (lost, cancelled), from
two columns of a file that keeps them apart; a row takes the one of its outcome."""

OPPORTUNITIES = Kind(
    name="opps",
    plural="opportunities",
    singular="opportunity",
    table="opportunities",
    export_columns=(
        "name",
        "account",
        "contact",
        "contact_external_id",
        "amount",
        "currency",
        "due_date",
        "status",
        "probability",
        "created_on",
        "closed_on",
        "close_reason",
        "source",
        "type",
        "description",
        "tags",
        "notes",
        "external_id",
    ),
    import_only=("account_external_id", "outcome", *OUTCOME_FIELDS),
    synonyms={
        "name": (
            "nom",
            "opportunity",
            "opportunité",
            "opportunity name",
            "nom de l'opportunité",
            "deal",
            "deal name",
            "title",
            "titre",
            "intitulé",
            "affaire",
            "libellé",
            "subject",
            "objet",
            "potential name",
        ),
        "account": _ACCOUNT_NAMES,
        "account_external_id": _ACCOUNT_IDS,
        "contact": (
            "contact name",
            "contact person",
            "person",
            "personne",
            "interlocuteur",
            "nom du contact",
            "primary contact",
            "associated contact",
        ),
        "contact_external_id": ("contact id", "contact external id", "id du contact", "id contact"),
        "amount": (
            "montant",
            "value",
            "deal value",
            "valeur",
            "montant ht",
            "price",
            "prix",
            "total",
            "revenue",
            "chiffre d'affaires",
            "expected revenue",
            "planned revenue",
        ),
        "currency": (
            "devise",
            "monnaie",
            "currency code",
            "code devise",
            "currency iso code",
            "currency id",
            "currency of value",
        ),
        "due_date": (
            "due",
            "date d'échéance",
            "échéance",
            "close date",
            "closing date",
            "expected close date",
            "date de clôture",
            "date de clôture prévue",
            "date de signature prévue",
            "date prévue",
            "deadline",
            "date limite",
            "date deadline",
        ),
        "status": (
            "statut",
            "stage",
            "deal stage",
            "sales stage",
            "pipeline stage",
            "étape",
            "étape de vente",
            "phase",
            "état",
            "stage name",
            "stage id",
        ),
        "probability": ("probabilité", "proba", "win probability", "deal probability"),
        "created_on": (
            "created",
            "created date",
            "creation date",
            "date created",
            "create date",
            "date de création",
            "créée le",
            "créé le",
            "deal created",
            "add time",
            "date create",
            "created time",
        ),
        "closed_on": (
            "closed date",
            "date closed",
            "actual close date",
            "won date",
            "won time",
            "lost date",
            "lost time",
            "deal closed on",
            "close time",
            "date de fermeture",
            "date de clôture effective",
            "date de clôture réelle",
            "clôturée le",
            "fermée le",
        ),
        "close_reason": (
            "reason",
            "lost reason",
            "loss reason",
            "closed lost reason",
            "won reason",
            "closed won reason",
            "raison",
            "motif",
            "motif de perte",
            "raison de la perte",
            "lost reason id",
        ),
        "source": ("lead source", "origine", "provenance", "canal"),
        "type": ("opportunity type", "deal type", "type d'affaire", "type d'opportunité"),
        "description": ("détails", "details"),
        "tags": ("tag", "étiquettes", "étiquette", "labels", "label", "mots-clés"),
        "notes": _NOTES,
        "external_id": (*_IDS, "opportunity id", "deal id", "object id", "potential no"),
    },
    required=(
        ("name",),
        ("account", "account_external_id"),
        ("amount",),
        ("due_date",),
        ("status",),
    ),
    prefixes=("deal", "opportunity", "opportunite", "affaire", "hs"),
    yielding=("expected revenue", "planned revenue", "object id"),
    filling=("partner id",),
    besides={"opportunity": "amount"},
    by_outcome={
        **dict.fromkeys(("won date", "won time"), "won_closed_on"),
        **dict.fromkeys(("lost date", "lost time"), "lost_closed_on"),
        **dict.fromkeys(("won reason", "closed won reason"), "won_close_reason"),
        **dict.fromkeys(
            ("lost reason", "loss reason", "closed lost reason", "lost reason id"),
            "lost_close_reason",
        ),
    },
)

TASKS = Kind(
    name="tasks",
    plural="tasks",
    singular="task",
    table="tasks",
    export_columns=(
        "title",
        "due_date",
        "due_time",
        "every",
        "done_on",
        "account",
        "opportunity",
        "opportunity_external_id",
        "contact",
        "contact_external_id",
        "notes",
        "external_id",
    ),
    import_only=("account_external_id",),
    synonyms={
        "title": (
            "titre",
            "task",
            "tâche",
            "subject",
            "sujet",
            "objet",
            "name",
            "nom",
            "intitulé",
            "libellé",
        ),
        "due_date": (
            "due",
            "due on",
            "date d'échéance",
            "échéance",
            "date",
            "deadline",
            "date limite",
        ),
        "due_time": ("due time", "time", "heure", "heure d'échéance"),
        "every": ("repeat", "repeats", "repeats every", "recurrence", "récurrence", "répéter"),
        "done_on": (
            "done",
            "completed",
            "completed on",
            "completed date",
            "completion date",
            "date done",
            "done date",
            "fait le",
            "faite le",
            "terminé le",
            "terminée le",
            "date de réalisation",
        ),
        "account": ("account", *_ACCOUNT_NAMES),
        "account_external_id": _ACCOUNT_IDS,
        "opportunity": (
            "opportunité",
            "deal",
            "affaire",
            "opportunity name",
            "deal name",
            "nom de l'opportunité",
        ),
        "opportunity_external_id": ("opportunity id", "deal id", "id opportunité"),
        "contact": OPPORTUNITIES.synonyms["contact"],
        "contact_external_id": OPPORTUNITIES.synonyms["contact_external_id"],
        "notes": (*_NOTES, "description", "details", "détails"),
        "external_id": (*_IDS, "task id", "activity id"),
    },
    required=(("title",),),
    prefixes=("task", "tache", "activity", "activite"),
)

ACTIVITIES = Kind(
    name="activities",
    plural="activities",
    singular="activity",
    table="activities",
    export_columns=(
        "kind",
        "happened_on",
        "time_of_day",
        "duration_minutes",
        "summary",
        "account",
        "opportunity",
        "opportunity_external_id",
        "contact",
        "contact_external_id",
        "external_id",
    ),
    import_only=("account_external_id",),
    synonyms={
        "kind": ("type", "activity type", "type d'activité", "genre"),
        "happened_on": ("date", "day", "jour", "done on", "date de l'activité", "le"),
        "time_of_day": ("time", "heure", "at", "à", "start time", "heure de début"),
        "duration_minutes": ("duration", "durée", "minutes", "duration minutes", "durée minutes"),
        "summary": (
            "text",
            "texte",
            "subject",
            "sujet",
            "objet",
            "description",
            "note",
            "notes",
            "résumé",
            "compte rendu",
        ),
        "account": ("account", *_ACCOUNT_NAMES),
        "account_external_id": _ACCOUNT_IDS,
        "opportunity": TASKS.synonyms["opportunity"],
        "opportunity_external_id": TASKS.synonyms["opportunity_external_id"],
        "contact": OPPORTUNITIES.synonyms["contact"],
        "contact_external_id": OPPORTUNITIES.synonyms["contact_external_id"],
        "external_id": (*_IDS, "activity id"),
    },
    required=(("kind",), ("happened_on",), ("summary",)),
    prefixes=("activity", "activite"),
)

KINDS = {kind.name: kind for kind in (ACCOUNTS, CONTACTS, OPPORTUNITIES, TASKS, ACTIVITIES)}


@dataclass
class Columns:
    """How the columns of one file are read."""

    fields: dict[str, str]
    """Header -> field, for the headers that are read."""
    ignored: list[str]
    """Headers that match no field (and were not ignored on purpose)."""


def parse_pairs(given: Iterable[str], option: str, what: str) -> list[tuple[str, str]]:
    """`["Montant=amount"]` -> `[("Montant", "amount")]`; the last "=" splits, so a column
    name may contain one."""
    pairs = []
    for text in given:
        left, sep, right = text.rpartition("=") if option != "--default" else text.partition("=")
        if not sep or not left.strip():
            raise InvalidInput(
                _("Invalid {option} {text}: write it as {what}.").format(
                    option=option, text=repr(text), what=what
                )
            )
        pairs.append((left.strip(), right.strip()))
    return pairs


def check_field(kind: Kind, name: str, option: str) -> str:
    """A field name as the user typed it ("Due date", "due-date") -> "due_date"."""
    found = {normalize(known): known for known in kind.fields}.get(normalize(name))
    if found is None:
        raise InvalidInput(
            _("Invalid {option}: {kind} have no field {name}. Fields: {fields}.").format(
                option=option, kind=_(kind.plural), name=repr(name), fields=", ".join(kind.fields)
            )
        )
    return found


def match(
    kind: Kind,
    headers: Sequence[str],
    mapping: Sequence[tuple[str, str]] = (),
    *,
    complete: bool = True,
) -> Columns:
    """Read a file's headers. `mapping` is the --map pairs (an empty field ignores a column).

    Refuses a --map naming no column (when the headers are `complete`: a JSON file shows
    its keys as it goes) and two columns read as the same field.
    """
    chosen: dict[str, str | None] = {}
    for column, name in mapping:
        header = _find_header(headers, column)
        if header is None:
            if complete:
                raise InvalidInput(
                    _(
                        "Invalid --map {column}={name}: the file has no column {quoted}. "
                        "Its columns: {columns}."
                    ).format(
                        column=column, name=name, quoted=repr(column), columns=_quoted(headers)
                    )
                )
            header = column
        chosen[header] = check_field(kind, name, "--map") if name else None
    fields: dict[str, str] = {}
    ignored: list[str] = []
    for header in headers:
        if header in chosen:
            name = chosen[header]
        elif header.strip() == REJECT_REASON:
            continue
        else:
            name = kind.field_for(header)
            if name is None:
                if header.strip():
                    ignored.append(header)
                continue
        if name is None:
            continue
        twin = next((other for other, known in fields.items() if known == name), None)
        if twin is not None and header not in chosen and twin not in chosen:
            outcome = _outcome_of(kind, name, twin, header)
            if outcome is not None:
                fields[outcome] = "outcome"
                fields[twin if outcome == header else header] = name
                continue
        free = twin is not None and header not in chosen and twin not in chosen
        if free and kind.fills(header) != kind.fills(twin):
            kept, filler = (twin, header) if kind.fills(header) else (header, twin)
            fields[kept], fields[filler] = name, name + IF_EMPTY
            continue
        if free and kind.yields(header) != kind.yields(twin):
            kept, left = (twin, header) if kind.yields(header) else (header, twin)
            fields.pop(left, None)
            fields[kept] = name
            ignored.append(left)
            continue
        if free and _apart_by_outcome(kind, name, (header, twin), fields):
            continue
        moved = free and next(
            (
                column
                for column in (header, twin)
                if kind.besides_field(column) not in (None, *fields.values())
            ),
            None,
        )
        if moved:
            fields.pop(moved, None)
            fields[twin if moved == header else header] = name
            fields[moved] = kind.besides_field(moved)
            continue
        if twin is not None:
            better, worse = (
                (header, twin) if kind.rank(header) < kind.rank(twin) else (twin, header)
            )
            raise InvalidInput(
                _(
                    "The columns {first} and {second} are both read as {name}: keep {better}, "
                    "the closer match, with --map {column}= to ignore {worse}."
                ).format(
                    first=repr(twin),
                    second=repr(header),
                    name=name,
                    better=repr(better),
                    worse=repr(worse),
                    column=shell(worse),
                )
            )
        fields[header] = name
    return Columns(fields, ignored)


def _apart_by_outcome(kind: Kind, name: str, pair: tuple[str, str], fields: dict) -> bool:
    """Read two columns of one field as each outcome's own field (Pipedrive's Won time and
    Lost time), if that is what one of them at least is and those fields are free."""
    apart = {column: kind.outcome_field(column) or name for column in pair}
    taken = set(fields.values()) - {name}
    if len(set(apart.values())) < 2 or set(apart.values()) & taken:
        return False
    fields.update(apart)
    return True


def _outcome_of(kind: Kind, name: str, first: str, second: str) -> str | None:
    """Of two columns read as the status, the one that is the deal's outcome (open, won,
    lost: Pipedrive's "Status") beside its stage ("Stage"), if that is what they are."""
    if name != "status" or "outcome" not in kind.fields:
        return None
    words = {header: kind.word_of(header) for header in (first, second)}
    outcomes = [header for header, word in words.items() if word in OUTCOME_WORDS]
    return outcomes[0] if len(outcomes) == 1 else None


def missing_required(kind: Kind, present: Iterable[str]) -> list[str]:
    """The required fields (or groups of alternatives) that no column gives."""
    given = set(present)
    return [
        group[0]
        for group in kind.required
        if not any(alternative in given for alternative in group)
    ]


def _find_header(headers: Sequence[str], column: str) -> str | None:
    if column in headers:
        return column
    wanted = normalize(column)
    return next((header for header in headers if normalize(header) == wanted), None)


def _quoted(headers: Sequence[str]) -> str:
    return ", ".join(repr(header) for header in headers)


DATA_LIKE = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[T ].*)?"  # an ISO date, maybe with a time
    r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}(?: .*)?"  # 13/04/2027
    r"|[-+]?[$€£¥]? ?[0-9][0-9 ,.'\u2019\u00a0\u202f]*(?: ?(?:[$€£¥%]|[A-Z]{3}))?"  # 15,000 €
)
"""A header cell that is data: a date or an amount. No tool names a column so."""
HEADERLESS_CELLS = 2
"""How many such cells make a first line a row rather than a header."""


def data_like(headers: Sequence[str]) -> list[str]:
    """The cells of a CSV header line that are data: a row's, if there are enough."""
    return [header for header in headers if DATA_LIKE.fullmatch(header)]


def example_columns(kind: Kind) -> str:
    """The fields a file of this kind needs, as `--columns` would list them."""
    return ",".join(alternatives[0] for alternatives in kind.required)


def shell(text: str) -> str:
    """`text` as one word of a command line to copy, quoted as a person would quote it."""
    if re.fullmatch(r"[\w.=-]+", text):
        return text
    if "'" not in text:
        return f"'{text}'"
    if not re.search(r'["$`\\!]', text):
        return f'"{text}"'
    return shlex.quote(text)
