"""vault/connection_url.py: every password position of every connection-string form holds exactly
the {{password}} template, or it is named (never shown) and masked."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import connection_url

SECRET = "hunter2"

# Forms the database plugins take, each with the template where the password goes.
TEMPLATED = [
    "postgresql://{{username}}:{{password}}@db:5432/postgres?sslmode=disable",
    "postgres://{{username}}:{{password}}@db/postgres",
    "host=db port=5432 user={{username}} password={{password}} dbname=postgres sslmode=disable",
    "host=db user={{username}} password='{{password}}'",
    "{{username}}:{{password}}@tcp(127.0.0.1:3306)/",
    "{{username}}:{{password}}@tcp(db:3306)/app?tls=true&parseTime=true",
    "{{username}}:{{password}}@unix(/var/run/mysqld/mysqld.sock)/app",
    "{{username}}/{{password}}@localhost:1521/OraDoc.localhost",
    "{{username}}/{{password}}@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=ORCL)))",
    "sqlserver://{{username}}:{{password}}@localhost:1433?database=app",
    "server=db;user id={{username}};password={{password}};database=app",
    "Driver={ODBC Driver 18 for SQL Server};Server=db;Uid={{username}};Pwd={{password}};Encrypt=yes",
    "Driver={ODBC Driver 18 for SQL Server};Server=db;Uid={{username}};Pwd={{{password}}};",
    "mongodb://{{username}}:{{password}}@h1:27017,h2:27017/admin?replicaSet=rs0&authSource=admin",
    "mongodb+srv://{{username}}:{{password}}@cluster0.example.net/?retryWrites=true",
    "hdb://{{username}}:{{password}}@hana:39017",
    "{{username}}:{{password}}@account.west-us-1.azure/db",
    "postgresql://db/postgres?user={{username}}&password={{password}}",
    "postgresql://{{username}}@db/postgres",
    "postgresql://vault@myserver:{{password}}@myserver.postgres.database.azure.com/postgres",
    "postgresql://db:5432/postgres?application_name=ops%40example.com",
    "postgresql:///postgres?host=/var/run/postgresql",
    "host=/var/run/postgresql user={{username}} passfile=/home/vault/.pgpass",
    "",
]

# (URL with the literal, the position it is named by)
LITERAL = [
    ("postgresql://vault:hunter2@db:5432/postgres", "the credentials before @"),
    ("postgresql://{{username}}:hunter2@db/postgres", "the credentials before @"),
    ("postgresql://vault:hun/ter@2@db/postgres", "the credentials before @"),
    ("postgresql://{{username}}:{{ password }}@db/postgres", "the credentials before @"),
    ("postgresql://{{username}}:{{password}}hunter2@db/postgres", "the credentials before @"),
    ("postgresql://vault@myserver:hunter2@myserver.postgres.database.azure.com/postgres", "the credentials before @"),
    ("postgresql://db/postgres?user=vault&password=hunter2", "the password= parameter"),
    ("postgresql://{{username}}:{{password}}@db/postgres?sslmode=disable&password=hunter2", "the password= parameter"),
    ("postgresql://{{username}}:{{password}}@db/postgres?sslpassword=hunter2", "the sslpassword= parameter"),
    ("host=db user=vault password=hunter2", "the password= parameter"),
    ("host=db user=vault password = 'hunter2 x'", "the password= parameter"),
    ("host=db user=vault PASSWORD=hunter2", "the PASSWORD= parameter"),
    ("dbname=postgresql://vault:hunter2@db/postgres", "the credentials before @"),
    ("root:hunter2@tcp(127.0.0.1:3306)/", "the credentials before @"),
    ("{{username}}:hunter2@tcp(db:3306)/app", "the credentials before @"),
    ("root:hun@ter2@tcp(db:3306)/app", "the credentials before @"),
    ("system/hunter2@localhost:1521/OraDoc.localhost", "the credentials before @"),
    ("{{username}}/hunter2@(DESCRIPTION=(ADDRESS=(HOST=db)))", "the credentials before @"),
    ("Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd=hunter2;Encrypt=yes", "the Pwd= parameter"),
    ("Driver={ODBC Driver 18};Server=db;Uid=sa;PWD={hunter2;}}x};Encrypt=yes", "the PWD= parameter"),
    ("server=db;user id=sa;password=hunter2;database=app", "the password= parameter"),
    ("jdbc:sqlserver://db:1433;user=sa;password=hunter2", "the password= parameter"),
    ("sqlserver://sa:hunter2@localhost:1433?database=app", "the credentials before @"),
    ("mongodb://admin:hunter2@h1:27017,h2:27017/admin?replicaSet=rs0", "the credentials before @"),
    ("mongodb+srv://admin:hunter2@cluster0.example.net/", "the credentials before @"),
    ("host=db user=vault passwd=hunter2", "the passwd= parameter"),
    ("host=db user=vault password=", "the password= parameter"),
]


@pytest.mark.parametrize("url", TEMPLATED)
def test_the_template_in_every_password_position_is_accepted(url):
    assert connection_url.literal_positions(url) == []
    assert connection_url.masked(url) == url


@pytest.mark.parametrize("url, position", LITERAL)
def test_a_literal_in_a_password_position_is_named_and_masked(url, position):
    assert position in connection_url.literal_positions(url)
    shown = connection_url.masked(url)
    assert connection_url.MASK in shown
    for part in ("hunter2", "hunter", "ter2", "hun/ter", "ter@2"):
        assert part not in shown, shown
    for name in connection_url.literal_positions(url):
        assert "hunter" not in name and "ter2" not in name


def test_masking_keeps_what_is_not_a_password():
    assert connection_url.masked("postgresql://vault:hunter2@db:5432/postgres?sslmode=disable") == \
        "postgresql://vault:********@db:5432/postgres?sslmode=disable"
    assert connection_url.masked("system/hunter2@localhost:1521/ORCL") == "system/********@localhost:1521/ORCL"
    assert connection_url.masked("host=db user=vault password='hunter2' sslmode=disable") == "host=db user=vault password=******** sslmode=disable"
    assert connection_url.masked("Server=db;Pwd={hunter2};Encrypt=yes") == "Server=db;Pwd=********;Encrypt=yes"
    # unquoted, a literal may hold any separator: everything after it is hidden
    assert connection_url.masked("host=db password=hunter2 sslmode=disable") == "host=db password=********"
    assert connection_url.masked(None) is None


def test_an_at_sign_after_the_host_must_be_percent_encoded():
    url = "postgresql://{{username}}:{{password}}@db/postgres?application_name=ops@example.com"
    assert connection_url.literal_positions(url) == ["the credentials before @"]
    assert connection_url.literal_positions(url.replace("ops@", "ops%40")) == []


# What OpenBao and HashiCorp Vault return on a read (probed on both): a URL Go's parser accepts is
# re-encoded, and only a URL's userinfo password is hidden (as xxxxx).
@pytest.mark.parametrize("read_back", [
    "host=127.0.0.1%20port=1%20user=vault%20password=hunter2",
    "host=127.0.0.1%20password=%27hunter2%20x%27",
    "host=127.0.0.1%20password%20=%20hunter2",
    "Driver=%7BODBC%7D;Server=127.0.0.1;Uid=vault;Pwd=hunter2;",
    "Driver=%7BODBC%7D;Server=127.0.0.1;Uid=vault;Pwd=%7Bhunter2;x%7D;",
    "postgresql://vault:xxxxx@127.0.0.1:1/postgres?sslpassword=hunter2",
    "postgresql://127.0.0.1:1/postgres?user=vault&password=hunter2",
    "vault:hunter2@tcp(127.0.0.1:1)/",
    "vault/hunter2@127.0.0.1:1/ORCL",
])
def test_what_vault_returns_is_masked_too(read_back):
    assert connection_url.literal_positions(read_back)
    shown = connection_url.masked(read_back)
    assert "hunter" not in shown and "ter2" not in shown and "x%7D" not in shown, shown


def test_a_template_vault_re_encoded_is_still_the_template():
    read_back = "host=127.0.0.1%20port=1%20user=%7B%7Busername%7D%7D%20password=%7B%7Bpassword%7D%7D"
    assert connection_url.literal_positions(read_back) == []
    assert connection_url.masked(read_back) == read_back
    assert connection_url.literal_positions("host=db%20password=%27%7B%7Bpassword%7D%7D%27%20sslmode=disable") == []
    assert connection_url.masked("postgresql://vault:xxxxx@db/postgres") == "postgresql://vault:********@db/postgres"
