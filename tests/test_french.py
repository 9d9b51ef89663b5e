"""colibri in French: messages, prompts, tables, help and amounts; what decides the language;
French date words; and csv and json that never change with the language."""

import json
import os
import re
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from conftest import TODAY
from scenario import on_terminal
from test_interactive import answer, finish, spawn
from test_readme import made, run_session

FRENCH_PAGE = Path(__file__).parent.parent / "docs" / "french.md"
FRENCH_BLOCK = re.compile(r"(<!-- french -->\n```console\n)(.*?)(```)", re.DOTALL)

NNBSP = "\u202f"  # between thousands: 15 000
NBSP = "\u00a0"  # between an amount and its currency: 15 000 €


def euros(text: str) -> str:
    """ "15 000 €" written as colibri writes it in French."""
    number, currency = text.rsplit(" ", 1)
    return number.replace(" ", NNBSP) + NBSP + currency


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setenv("COLIBRI_LANG", "fr")


@pytest.fixture
def deal(ok):
    """An account and an open deal, in English (the data does not depend on the language)."""
    ok("account", "add", "ACME Industries", "--city", "Lyon")
    ok(
        "opp", "create", "Website", "--account", "ACME", "--amount", "15000", "--due",
        "2026-12-15", "--status", "quote",
    )  # fmt: skip


# --- messages and errors -----------------------------------------------------------------------


def test_account_add_says_so_in_french(french, ok, db_path):
    result = ok("account", "add", "ACME Industries")

    assert result.stderr == f"Nouvelle base : {db_path}\nCompte ACME Industries ajouté (id 1).\n"


def test_a_near_miss_gets_a_french_did_you_mean(french, ok, cli):
    ok("account", "add", "ACME Industries")

    result = cli("account", "show", "ACNE Industries")

    assert result.exit_code == 3
    assert result.stderr == (
        "Erreur : Aucun compte 'ACNE Industries'. Vouliez-vous dire 'ACME Industries' ?\n"
    )


def test_opp_create_says_what_it_created_with_a_french_amount(french, ok):
    ok("account", "add", "ACME Industries")

    result = ok(
        "opp", "create", "Site web", "--account", "acme", "--amount", "15 000 €",
        "--due", "demain", "--status", "devis",
    )  # fmt: skip

    assert result.stderr == (
        f"Nouvelle opportunité 1 : Site web (ACME Industries), {euros('15 000 €')}, "
        f"échéance 2026-11-27, quote (40{NBSP}%).\n"
    )


def test_opp_create_names_every_missing_field_in_french(french, ok, cli, rows):
    ok("account", "add", "ACME Industries")

    result = cli("opp", "create", "Menus", "--account", "ACME", "--no-input")

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : Impossible de créer l'opportunité : il manque le montant ; "
        "il manque l'échéance ; il manque le statut.\n"
    )
    assert rows("SELECT * FROM opportunities") == []


def test_bad_values_are_explained_in_french(french, ok, cli):
    ok("account", "add", "ACME Industries")

    result = cli(
        "opp", "create", "X", "--account", "ACME", "--amount", "abc", "--due", "hier soir",
        "--status", "quote", "--no-input",
    )  # fmt: skip

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : Impossible de créer l'opportunité : valeur invalide pour le montant ('abc') : "
        "écrivez un nombre entier comme 15000, 15 000, 15k ou 1,5M ; "
        "valeur invalide pour l'échéance ('hier soir') : utilisez AAAA-MM-JJ, JJ/MM/AAAA, "
        "aujourd'hui, demain, un jour de la semaine, +3j, +2s, +1m ou fdm.\n"
    )


def test_a_usage_error_is_in_french(french, cli):
    result = cli("statuses", "add", "proposal", "--probability", "50")

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : Option manquante : '--label'. Voir 'colibri statuses add --help'.\n"
    )


def test_a_mistyped_command_gets_a_french_did_you_mean(french, cli):
    result = cli("opp", "lst")

    assert result.exit_code == 2
    assert result.stderr == (
        "Erreur : Commande inconnue : 'lst'. Vouliez-vous dire 'list' ? "
        "Voir 'colibri opp --help'.\n"
    )


@pytest.mark.parametrize(
    ("view", "said"),
    [
        ("--week", "Aucune tâche (cette semaine)."),
        ("--today", "Aucune tâche (aujourd'hui)."),
        ("--overdue", "Aucune tâche (en retard)."),
        ("--done", "Aucune tâche (faites)."),
    ],
)
def test_an_empty_task_view_is_named_in_french(french, deal, ok, view, said):
    assert ok("task", "list", view).stderr == said + "\n"


def test_an_unknown_command_ends_its_sentence_once(french, cli):
    result = cli("config", "list")

    assert result.exit_code == 2
    assert result.stderr == ("Erreur : Commande inconnue : 'list'. Voir 'colibri config --help'.\n")


def test_an_empty_db_option_is_one_french_line(french, cli):
    result = cli("--db", "", "account", "list")

    assert result.exit_code == 2
    assert result.stderr == "Erreur : --db attend le chemin d'un fichier de base de données.\n"


# --- tables ------------------------------------------------------------------------------------


def test_opp_list_has_french_headings_and_amounts(french, deal, ok):
    ok(
        "opp", "create", "Training", "--account", "ACME", "--amount", "3000", "--currency", "USD",
        "--due", "2027-01-15", "--status", "negotiation",
    )  # fmt: skip

    result = ok("opp", "list")

    assert result.stdout.splitlines() == [
        "ID  Nom       Compte             Montant  Échéance    Statut        Prob.",
        f" 1  Website   ACME Industries   {euros('15 000 €')}  2026-12-15  "
        f"Devis envoyé   40{NBSP}%",
        f" 2  Training  ACME Industries  {euros('3 000 USD')}  2027-01-15  "
        f"Négociation    70{NBSP}%",
    ]


def test_opp_show_translates_the_default_status_label_and_the_card(french, deal, ok):
    result = ok("opp", "show", "1")

    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:9] == [
        "ID                  1",
        "Nom                 Website",
        "Compte              ACME Industries",
        f"Montant             {euros('15 000 €')}",
        "Échéance            2026-12-15",
        "Statut              Devis envoyé",
        f"Probabilité         40{NBSP}%",
        "Échéance repoussée  jamais",
        "Créée le            2026-11-26",
    ]
    assert lines[9].startswith("Modifiée le         2026-11-26 ")  # une opportunité
    assert "\nModifié le       2026-11-26 " in ok("account", "show", "1").stdout  # un compte
    assert "Historique (1)" in lines
    assert "Tâches (0)" in lines


def test_a_relabelled_status_keeps_the_label_its_user_chose(french, deal, ok):
    ok("statuses", "edit", "negotiation", "--label", "Closing talks")

    result = ok("statuses", "list")

    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "#  Clé          Libellé              Prob.  Type",
        f"1  analysis     Analyse des besoins   10{NBSP}%  open",
        f"2  quote        Devis envoyé          40{NBSP}%  open",
        f"3  negotiation  Closing talks         70{NBSP}%  open",
        f"4  won          Gagnée               100{NBSP}%  won",
        f"5  lost         Perdue                 0{NBSP}%  lost",
        f"6  cancelled    Annulée                0{NBSP}%  cancelled",
    ]
    assert ok("statuses", "list", "-f", "json").stdout.count('"label": "Quote sent"') == 1


def test_a_french_label_is_accepted_as_a_status(french, deal, ok, rows):
    ok("opp", "status", "1", "Négociation")

    assert rows("SELECT status FROM opportunities") == [{"status": "negotiation"}]


def test_opp_status_and_the_follow_up_in_french(french, deal, ok, rows):
    result = ok("opp", "status", "1", "gagnée", "--follow-up", "Proposer la maintenance")

    assert result.stderr == (
        "Opportunité 1 (Website) : quote -> won, clôturée le 2026-11-26.\n"
        "Tâche de suivi 1, échéance 2027-02-26 : Proposer la maintenance\n"
    )


def test_a_close_without_follow_up_proposes_a_french_task(french, deal, ok, rows):
    result = ok("opp", "status", "1", "perdue")

    assert result.stderr == (
        "Opportunité 1 (Website) : quote -> lost, clôturée le 2026-11-26.\n"
        "Aucune tâche de suivi n'a été planifiée. Ajoutez-en une avec : colibri task add "
        "'Demander à ACME Industries ce qui ferait gagner la prochaine affaire' --opp 1 "
        "--due 2027-02-26\n"
    )


def test_the_agenda_in_french(french, deal, ok):
    ok("task", "add", "Rappeler Paul", "--account", "ACME", "--due", "hier")
    ok("task", "add", "Envoyer le devis", "--opp", "1", "--due", "aujourd'hui")
    ok(
        "opp", "create", "Training", "--account", "ACME", "--amount", "1250", "--due",
        "vendredi", "--status", "negotiation",
    )  # fmt: skip

    result = ok("agenda")

    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "En retard (1)",
        "Échéance      Quoi     ID  Titre             Compte           Montant",
        "2026-11-25 !  tâche     1  Rappeler Paul     ACME Industries",
        "",
        "Aujourd'hui (1)",
        "Échéance      Quoi     ID  Titre             Compte           Montant",
        "2026-11-26    tâche     2  Envoyer le devis  ACME Industries",
        "",
        "7 jours à venir (1)",
        "Échéance      Quoi     ID  Titre             Compte           Montant",
        f"2026-11-27    affaire   2  Training          ACME Industries  {euros('1 250 €')}",
        "",
        f"Sans prochaine étape : 1 affaire ({euros('1 250 €')})",  # #1 has task 2
    ]
    assert result.stderr == (
        "! après une échéance : en retard, échue avant aujourd'hui et toujours ouverte.\n"
    )


@pytest.fixture
def deals(deal, ok):
    """Deals in two currencies, one won and one overdue, and a target."""
    for name, amount, currency, due, status in (
        ("Training", "1250", "EUR", "2027-01-10", "negotiation"),
        ("Hosting", "3000", "USD", "2026-11-20", "analysis"),
        ("Audit", "20000", "EUR", "2026-11-30", "quote"),
    ):
        ok(
            "opp", "create", name, "--account", "ACME", "--amount", amount, "--currency",
            currency, "--due", due, "--status", status,
        )  # fmt: skip
    ok("opp", "status", "4", "won", "--no-follow-up")
    ok("target", "set", "2026-12", "10k")


def lines(result) -> list[str]:
    return [line.rstrip() for line in result.stdout.splitlines()]


def test_the_pipeline_in_french(french, deals, ok):
    assert lines(ok("pipeline")) == [
        "Pipeline ouvert par statut, 2026-11-26",
        "EUR",
        "              Nombre   Montant  Pondéré",
        f"Devis envoyé       1  {euros('15 000 €')}  {euros('6 000 €')}",
        f"Négociation        1   {euros('1 250 €')}    {euros('875 €')}",
        f"Total              2  {euros('16 250 €')}  {euros('6 875 €')}",
        "",
        "USD",
        "                     Nombre    Montant  Pondéré",
        f"Analyse des besoins       1  {euros('3 000 USD')}  {euros('300 USD')}",
        f"Total                     1  {euros('3 000 USD')}  {euros('300 USD')}",
        "",
        f"Sans prochaine étape : 2 affaires ({euros('16 250 €')})",
        f"Sans prochaine étape : 1 affaire ({euros('3 000 USD')})",
        "",
        f"En retard : 1 ({euros('3 000 USD')})",
        "ID  Nom      Compte             Montant  Échéance    Statut",
        f" 3  Hosting  ACME Industries  {euros('3 000 USD')}  2026-11-20  analysis",
        "",
        "Dormantes (rien depuis 30 jours) : aucune.",
    ]


def test_the_forecast_in_french(french, deals, ok):
    result = ok("forecast", "--periods", "2")

    assert lines(result) == [
        "Prévisions par mois en EUR, 2026-11-26",
        "Période   Gagné  Pondéré  Attendu  Engagé  Meilleur cas  Objectif   Écart",
        f"2026-11  20{NNBSP}000        0   20{NNBSP}000  20{NNBSP}000        20{NNBSP}000",
        f"2026-12       0    6{NNBSP}000    6{NNBSP}000       0        15{NNBSP}000    "
        f"10{NNBSP}000  +4{NNBSP}000",
        # 10,000 left to win in December: Website, 15,000 at 40 %, covers it 1.5× (its 6,000
        # weighted 0.6×).
        f"Couverture 2026-12 : reste 10{NNBSP}000 à gagner ; ouvert 1,5×, pondéré 0,6×",
        "",
        "Prévisions par mois en USD, 2026-11-26",
        "Période    Gagné  Pondéré  Attendu  Engagé  Meilleur cas  Objectif  Écart",
        "2026-11        0        0        0       0             0",
        "2026-12        0        0        0       0             0",
        f"En retard      0      300      300       0         3{NNBSP}000",
    ]
    assert result.stderr == (
        "\n"
        f"Attendu = gagné + pondéré ; engagé compte les affaires ouvertes à 70{NBSP}% ou plus ; "
        "les affaires en retard (échéance passée, toujours ouvertes) ne sont dans aucune "
        "période.\n"
        "Écart = objectif - attendu : + est ce qui manque pour l'objectif, - l'avance prise.\n"
    )


def test_the_forecast_chart_on_a_terminal_has_a_french_legend(french, deals, db_path):
    shown = on_terminal(db_path, "forecast", "--periods", "2")

    # EUR against its largest figure, 20,000: November won 24 cells; December expected 6,000
    # is 7.2 -> 7 cells, its target 10,000 at 12.
    assert shown[5:8] == [
        " 2026-11 " + "█" * 24,
        " 2026-12 " + "▒" * 7 + " " * 5 + "┃",
        "         █ gagné  ▒ pondéré  ┃ objectif",
    ]


def test_stats_and_targets_in_french(french, deals, ok):
    said = lines(ok("stats"))

    assert said[:3] == [
        "Affaires closes : gagnées 1, perdues 0, annulées 0",
        f"Taux de réussite (gagnées / (gagnées + perdues)) : 100,0{NBSP}%",
        f"Gagné en EUR : {euros('20 000 €')} en 1 affaire ; moyenne {euros('20 000 €')}, "
        f"médiane {euros('20 000 €')}",
    ]
    assert ok("target", "set", "2027-Q1", "12500.5").stderr == (
        f"L'objectif '12500.5' a été arrondi à 12{NNBSP}501.\n"
        f"Objectif pour 2027-Q1 : {euros('12 501 €')}.\n"
    )


def test_the_pipeline_and_stats_of_a_past_day_in_french(french, cli):
    """A quote of 15,000 created on 11-20 and won on 11-24: open on 11-22, won on 11-24."""
    for day, *command in (
        ("2026-11-20", "account", "add", "ACME"),
        ("2026-11-20", "opp", "create", "Site", "--account", "ACME", "--amount", "15000",
         "--due", "2026-12-15", "--status", "quote"),
        ("2026-11-24", "opp", "status", "1", "won", "--no-follow-up"),
    ):  # fmt: skip
        assert cli(*command, env={"COLIBRI_TODAY": day}).exit_code == 0

    # 15,000 at 40 %: 6,000.
    assert lines(cli("pipeline", "--as-of", "22/11/2026"))[:4] == [
        "Pipeline ouvert par statut, tel qu'il était le 2026-11-22",
        "              Nombre   Montant  Pondéré",
        f"Devis envoyé       1  {euros('15 000 €')}  {euros('6 000 €')}",
        f"Total              1  {euros('15 000 €')}  {euros('6 000 €')}",
    ]
    assert lines(cli("stats", "--until", "23/11/2026"))[:2] == [
        "Affaires closes jusqu'au 2026-11-23 : gagnées 0, perdues 0, annulées 0",
        "Taux de réussite (gagnées / (gagnées + perdues)) : n.d.",
    ]
    assert lines(cli("stats", "--until", "2026-11-24"))[0] == (
        "Affaires closes jusqu'au 2026-11-24 : gagnées 1, perdues 0, annulées 0"
    )
    refused = cli("stats", "--until", "demain")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Erreur : La date --until 2026-11-27 est dans le futur : donnez aujourd'hui ou un "
        "jour passé.\n",
    )


def test_an_import_reports_in_french(french, ok, cli, tmp_path, empty_db):
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "name,account,amount,due_date,status\n"
        "Site,ACME,15000,2026-12-31,devis\n"
        "Menus,ACME,abc,2026-12-31,devis\n"
        "Formation,ACME,3000,demain,négo\n",
        encoding="utf-8",
    )

    refused = cli("import", "opps", str(deals), "--create-accounts")
    imported = ok("import", "opps", str(deals), "--create-accounts", "--skip-invalid")

    problem = (
        "ligne 3, amount : Valeur invalide pour le montant ('abc') : "
        "écrivez un nombre entier comme 15000, 15 000, 15k ou 1,5M.\n"
    )
    assert refused.exit_code == 2
    assert refused.stderr == problem + (
        "Erreur : Rien n'a été importé : 1 sur 3 lignes est invalide (voir plus haut). "
        "Corrigez-la, ou importez les 2 lignes valides avec --skip-invalid "
        "(et --rejects FICHIER pour garder les autres).\n"
    )
    assert imported.stderr == problem + (
        f"Import des opportunités depuis {deals} (CSV séparé par des virgules, UTF-8) : "
        "créés : 2, mis à jour : 0, ignorés : 0, rejetés : 1 ; 1 nouveau compte.\n"
    )
    assert ok("export", "opps", "-o", str(tmp_path / "out.csv")).stderr == (
        f"Export dans {tmp_path / 'out.csv'} : 2 opportunités.\n"
    )


def test_an_import_names_ignored_columns_and_bad_rows_in_french(french, ok, tmp_path, empty_db):
    people = tmp_path / "comptes.csv"
    people.write_text(
        "nom;ville;couleur\nACME;Lyon;bleu\nACME;Paris;vert\nGlobex;Nice;rouge;en trop\n",
        encoding="utf-8",
    )

    result = ok("import", "accounts", str(people), "--skip-invalid")

    assert result.stderr == (
        "Colonnes : 'nom' -> name, 'ville' -> city\n"
        "ligne 3, nom : Une ligne précédente de ce fichier a le même nom 'ACME' : "
        "retirez le doublon, ou donnez à chaque compte son propre id externe.\n"
        "ligne 4 : Cette ligne a 4 cellules mais l'en-tête en a 3 : "
        "vérifiez le séparateur et les guillemets.\n"
        "Colonnes ignorées (aucun champ de compte ne leur correspond) : 'couleur'. "
        "Importez-en une avec --map COLUMN=FIELD.\n"
        f"Import des comptes depuis {people} (CSV séparé par des points-virgules, UTF-8) : "
        "créés : 1, mis à jour : 0, ignorés : 0, rejetés : 2.\n"
    )


def test_an_import_of_opportunities_notices_and_hints_in_french(french, ok, tmp_path):
    ok("account", "add", "ACME Industries")
    deals = tmp_path / "affaires.csv"
    deals.write_text(
        "name,account,amount,due_date,status\n"
        'Site,ACME Industries,"15000,40",2026-12-31,devis\n'
        "Menus,ACME Industries,0,2026-12-31,devis\n"
        "Vieux,ACME Industries,3000,2026-01-15,devis\n"
        "Autre,ACME Industries,3000,2026-12-15,zzz\n"
        "Encore,ACME Industries,3000,2026-12-15,zzz\n",
        encoding="utf-8",
    )

    result = ok("import", "opps", str(deals), "--skip-invalid")

    assert result.stderr.splitlines()[2:] == [
        "1 montant a été arrondi à l'unité (ligne 2).",
        "Attention : 1 opportunité ouverte a dépassé son échéance (ligne 4) : "
        "donnez-lui une nouvelle échéance, ou clôturez-la.",
        "Attention : 1 opportunité ouverte a un montant de 0 (ligne 3) : "
        "le pipeline et les prévisions ne la compteront pas.",
        "Conseil : Statuts inconnus : 'zzz' (2). Associez chacun à un statut de colibri "
        "(voir `colibri statuses list`), en le mettant à la place de STATUS : "
        "--status-map zzz=STATUS",
        f"Import des opportunités depuis {deals} (CSV séparé par des virgules, UTF-8) : "
        "créés : 3, mis à jour : 0, ignorés : 0, rejetés : 2.",
    ]


def test_an_import_hint_counts_missing_accounts_in_french(french, ok, cli, tmp_path):
    deals = tmp_path / "affaires.csv"
    deals.write_text(
        "name,account,amount,due_date,status\n"
        "Site,Initech,15000,2026-12-31,devis\n"
        "Menus,Initech,2000,2026-12-31,devis\n",
        encoding="utf-8",
    )

    result = cli("import", "opps", str(deals))

    assert result.exit_code == 2
    assert "Conseil : 1 compte introuvable ; --create-accounts crée ceux qui manquent.\n" in (
        result.stderr
    )


@pytest.mark.parametrize(
    "command",
    [
        ["pipeline", "-f", "json"],
        ["pipeline", "--by", "month", "-f", "csv"],
        ["forecast", "-f", "json"],
        ["forecast", "-f", "csv"],
        ["forecast", "accuracy", "-f", "json"],
        ["stats", "-f", "json"],
        ["target", "list", "-f", "csv"],
    ],
    ids=" ".join,
)
def test_report_csv_and_json_are_the_same_in_every_language(deals, ok, monkeypatch, command):
    english = ok(*command).stdout
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    assert ok(*command).stdout == english


def test_an_empty_agenda_in_french(empty_db, french, ok):
    result = ok("agenda", "--days", "1")

    assert result.stderr == "Rien en retard ni à échéance d'ici 1 jour (2026-11-26).\n"


def test_config_show_translates_the_meanings_only_in_the_table(empty_db, french, ok):
    table = ok("config", "show", "language").stdout

    assert "langue des messages : auto (celle de l'environnement), en ou fr" in table
    assert json.loads(ok("config", "show", "language", "-f", "json").stdout) == [
        {
            "key": "language",
            "value": "auto",
            "default": "auto",
            "description": "language of messages: auto (from the environment), en or fr",
        }
    ]


# --- help --------------------------------------------------------------------------------------


def test_help_of_a_command_in_french(french, ok):
    result = ok("task", "done", "--help")

    assert result.stdout == (
        "Utilisation : colibri task done [OPTIONS] {TASK}\n"
        "\n"
        "  Marque une tâche comme faite (aujourd'hui, ou --on DATE).\n"
        "\n"
        "  Quand c'était la dernière tâche ouverte d'une affaire ouverte, l'affaire n'a\n"
        "  plus de prochaine étape : sur un terminal, la tâche suivante est demandée\n"
        "  (pré-remplie : trois fois Entrée la planifie) ; dans un script, une ligne sur\n"
        "  stderr le dit, avec la commande qui en ajoute une. --next et --next-due\n"
        "  l'ajoutent sans demander ; --no-next laisse l'affaire sans.\n"
        "\n"
        "  Avec --format json ou csv, la sortie standard donne les tâches écrites : celle\n"
        "  qui est faite, et la suivante.\n"
        "\n"
        '  Exemple : colibri task done 7 --next "Rappeler au sujet du devis" --next-due\n'
        "  vendredi\n"
        "\n"
        "Arguments :\n"
        "  TASK  Id de la tâche.  [obligatoire]\n"
        "\n"
        "Options :\n"
        "  --on DATE                      Quand elle a été faite, si ce n'est pas\n"
        "                                 aujourd'hui.\n"
        "  --next TITLE                   Titre de la tâche suivante de son affaire\n"
        "                                 (quand il n'en reste aucune ouverte, demandé\n"
        "                                 sur un terminal).\n"
        "  --next-due DATE                Échéance de la tâche suivante (par défaut :\n"
        "                                 dans une semaine).\n"
        "  --no-next                      Laisser son affaire sans tâche suivante, sans\n"
        "                                 le demander.\n"
        "  -f, --format <table|csv|json>  table pour les personnes ; csv ou json pour les\n"
        "                                 scripts (complet, sur la sortie standard).\n"
        "                                 [défaut : table]\n"
        "  -h, --help                     Afficher cette aide et quitter.\n"
    )


def test_help_shows_french_defaults_and_summaries(french, ok):
    listing = ok("opp", "list", "--help").stdout
    group = ok("opp", "--help").stdout

    assert "[défaut : due]" in listing
    assert "Commandes :" in group
    assert "Liste les opportunités, filtrées et triées." in group


def test_help_after_french_help_is_english_again(french, ok, monkeypatch):
    ok("task", "done", "--help")
    monkeypatch.delenv("COLIBRI_LANG")

    assert ok("task", "done", "--help").stdout.startswith("Usage: colibri task done")


def test_help_reads_the_setting_of_a_named_database_only(ok, monkeypatch, tmp_path):
    """Finding the default location imports platformdirs: --help does not, for speed."""
    from test_startup_imports import modules_after

    ok("config", "set", "language", "fr")
    named, _modules = modules_after("--db", str(tmp_path / "colibri.db"), "task", "--help")
    default, modules = modules_after("task", "--help")

    assert named.startswith("Utilisation : colibri task")
    assert default.startswith("Usage: colibri task")
    assert "platformdirs" not in modules


# --- what decides the language -----------------------------------------------------------------


def test_the_language_setting_takes_effect(ok):
    ok("account", "add", "ACME Industries")

    assert ok("config", "set", "language", "fr").stderr == "language = fr\n"
    assert ok("account", "add", "Beta").stderr == "Compte Beta ajouté (id 2).\n"
    assert ok("account", "list", "--help").stdout.startswith("Utilisation : colibri account list")


def test_a_french_locale_takes_effect(ok, monkeypatch, empty_db):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")

    assert ok("account", "add", "ACME Industries").stderr == (
        "Compte ACME Industries ajouté (id 1).\n"
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "fr_BE", "LANG": "en_GB.UTF-8"}, "fr"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "en_GB:en"}, "en"),
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "de:fr"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_the_locale_variables_in_their_order(ok, monkeypatch, empty_db, variables, expected):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    said = ok("account", "add", "ACME").stderr

    assert (
        said
        == {"fr": "Compte ACME ajouté (id 1).\n", "en": "Added account ACME (id 1).\n"}[expected]
    )


def test_colibri_lang_en_overrides_a_french_setting_and_locale(ok, monkeypatch):
    ok("config", "set", "language", "fr")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.setenv("COLIBRI_LANG", "en")

    assert ok("account", "add", "ACME").stderr == "Added account ACME (id 1).\n"


def test_the_setting_en_overrides_a_french_locale_and_auto_follows_it(ok, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    ok("config", "set", "language", "en")

    assert ok("account", "add", "ACME").stderr == "Added account ACME (id 1).\n"

    ok("config", "set", "language", "auto")

    assert ok("account", "add", "Beta").stderr == "Compte Beta ajouté (id 2).\n"


# --- scripts see the same data in every language ----------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["opp", "list", "-f", "json"],
        ["opp", "list", "-f", "csv"],
        ["opp", "show", "1", "-f", "json"],
        ["opp", "history", "1", "-f", "csv"],
        ["account", "show", "ACME", "-f", "json"],
        ["statuses", "list", "-f", "csv"],
        ["config", "show", "-f", "json"],
        ["config", "show", "-f", "csv"],
        ["agenda", "--days", "30", "-f", "json"],
        ["task", "list", "-f", "csv"],
    ],
    ids=" ".join,
)
def test_csv_and_json_are_the_same_in_every_language(deal, ok, monkeypatch, command):
    ok("task", "add", "Call", "--opp", "1", "--due", "2026-12-01")
    english = ok(*command).stdout
    monkeypatch.setenv("COLIBRI_LANG", "fr")

    assert ok(*command).stdout == english


# --- French date words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("demain", "2026-11-27"),
        ("fin du mois", "2026-11-30"),
        ("+2s", "2026-12-10"),
        ("vendredi", "2026-11-27"),
        ("lundi prochain", "2026-11-30"),
        ("aujourd'hui", TODAY),
        ("fin du trimestre", "2026-12-31"),
        ("dans 3 jours", "2026-11-29"),
    ],
)
def test_french_date_words_through_opp_create(french, ok, rows, words, day):
    ok("account", "add", "ACME")

    ok("opp", "create", "X", "--account", "ACME", "--amount", "1k", "--due", words, "-s", "devis")

    assert rows("SELECT due_date FROM opportunities") == [{"due_date": day}]


# --- the prompts -------------------------------------------------------------------------------


def test_the_interactive_form_asks_in_french(ok, rows, db_path):
    ok("account", "add", "ACME Industries")
    ok("config", "set", "language", "fr")
    child = spawn(db_path, "opp", "create", "Refonte", "--account", "ACME")

    child.expect_exact("Avancement")
    answer(child, "  Montant (EUR, ou écrivez une autre devise) : ", "douze")
    child.expect_exact("Erreur : Valeur invalide pour le montant ('douze')")
    answer(child, "  Montant (EUR, ou écrivez une autre devise) : ", "12k")
    child.expect_exact(f"    → {euros('12 000 €')}\r\n")
    answer(child, "  Échéance : ", "")
    child.expect_exact(
        "Erreur : Cette réponse est obligatoire : saisissez-la, ou faites Ctrl-C pour "
        "arrêter sans rien\r\ncréer."  # wrapped at the terminal's 100 columns
    )
    answer(child, "  Échéance : ", "fin du mois")
    child.expect_exact("    → 2026-11-30\r\n")
    child.expect_exact(
        f"  Analyse des besoins (analyse, 10{NBSP}%), Devis envoyé (devis, 40{NBSP}%), "
        f"Négociation (négociation, 70{NBSP}%),\r\n  Gagnée (gagnée, 100{NBSP}%), "
        f"Perdue (perdue, 0{NBSP}%), Annulée (annulée, 0{NBSP}%)\r\n"
    )
    answer(child, "  Statut [analyse] : ", "devis")
    child.expect_exact("    → quote\r\n")
    child.expect_exact(
        f"Nouvelle opportunité : Refonte (ACME Industries), {euros('12 000 €')}, "
        f"échéance 2026-11-30, quote (40{NBSP}%)."
    )
    answer(child, "Créer ? [O/n] : ", "")
    said = finish(child)

    assert f"Nouvelle opportunité 1 : Refonte (ACME Industries), {euros('12 000 €')}" in said
    assert rows("SELECT amount, due_date, status FROM opportunities") == [
        {"amount": 12000, "due_date": "2026-11-30", "status": "quote"}
    ]


def test_the_follow_up_question_in_french(deal, ok, rows, db_path):
    ok("config", "set", "language", "fr")
    child = spawn(db_path, "opp", "status", "1", "won")

    child.expect_exact("Étape suivante")
    answer(child, "  Planifier une tâche de suivi maintenant ? [O/n] : ", "")
    answer(
        child,
        "  Tâche [Recontacter ACME Industries pour une nouvelle commande] : ",
        "",
    )
    answer(child, "  Échéance [2027-02-26] : ", "")
    said = finish(child)

    assert "Tâche de suivi 1, échéance 2027-02-26" in said
    assert rows("SELECT title FROM tasks") == [
        {"title": "Recontacter ACME Industries pour une nouvelle commande"}
    ]
    assert pexpect  # the helpers above drive a real terminal


# --- the example of docs/french.md ------------------------------------------------------------


def test_the_documented_french_example_is_what_colibri_prints(monkeypatch, tmp_path):
    """Like the tour (tests/test_readme.py), on a new database; regenerate it with
    COLIBRI_UPDATE_README=1 after a deliberate change."""
    monkeypatch.setenv("COLIBRI_DB", made(tmp_path / "french.db"))
    text = FRENCH_PAGE.read_text(encoding="utf-8")
    [block] = FRENCH_BLOCK.findall(text)
    regenerated = FRENCH_BLOCK.sub(
        lambda match: match[1] + run_session(match[2], CliRunner()) + match[3], text
    )
    if os.environ.get("COLIBRI_UPDATE_README"):
        FRENCH_PAGE.write_text(regenerated, encoding="utf-8")
    assert [line.rstrip() for line in regenerated.splitlines()] == [
        line.rstrip() for line in text.splitlines()
    ]
    assert block
