def test_account_round_trip(ok, rows, empty_db):
    result = ok("account", "add", "ACME Industries", "--city", "Lyon")
    assert result.stderr == "Added account ACME Industries (id 1).\n"
    assert rows("SELECT name, city FROM accounts") == [{"name": "ACME Industries", "city": "Lyon"}]
