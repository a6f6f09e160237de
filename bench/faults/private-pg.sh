# Sourced by the fault scripts: a private PostgreSQL (Debian's initdb and pg_ctl) in a temp directory on port $PGPORT,
# which the service uses as its external database and the script can stop and start. Defines PGDIR, PGCTL and AS_PG.
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)}
[ -x "$PGBIN/pg_ctl" ] || { echo "pg_ctl not found: apt-get install postgresql (or set PGBIN)"; exit 1; }
PGDIR=$(mktemp -d)
# PostgreSQL refuses to run as root: as root, its files and process belong to the postgres user.
AS_PG=""
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; AS_PG="runuser -u postgres --"; fi
PGCTL="$AS_PG $PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/postgres.log"
$AS_PG "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust >/dev/null
cat >>"$PGDIR/data/postgresql.conf" <<CONF
port = $PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGDIR'
max_connections = 200
CONF
$PGCTL -w start >/dev/null
PG_VERSION=$("$PGBIN/postgres" --version | awk '{print $3}')
