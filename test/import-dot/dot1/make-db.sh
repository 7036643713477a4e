#!/usr/bin/env bash
# Makes a Django OAuth Toolkit 1.x database with DOT itself (Debian's python3-django-oauth-toolkit,
# 1.7 on bookworm, with Debian's Django 3.2): DOT's migrations, then make_db.py's rows.
#   make-db.sh sqlite <file>       a SQLite file
#   make-db.sh postgres <name>     a new database <name> on 127.0.0.1:5432 (user postgres), dropped first if it exists
# Prints what it made as JSON on stdout. Needs `node scripts/ensure-dot1.mjs` (or apt-get install
# python3-django-oauth-toolkit python3-psycopg2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# Debian's interpreter: DOT and Django are installed for it, not for a python3 earlier on PATH.
python=/usr/bin/python3

case "${1:-}" in
  sqlite)
    rm -f "$2"
    export DOT1_SQLITE="$2"
    ;;
  postgres)
    [[ "$2" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "make-db.sh: a database name of lowercase letters, digits and _" >&2; exit 2; }
    "$python" - "$2" <<'PY'
import sys
import psycopg2
connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(f'DROP DATABASE IF EXISTS "{sys.argv[1]}"')
    cursor.execute(f'CREATE DATABASE "{sys.argv[1]}"')
PY
    export DOT1_PG_NAME="$2"
    ;;
  *)
    echo "usage: make-db.sh sqlite <file> | postgres <database name>" >&2
    exit 2
    ;;
esac

cd "$here"
export PYTHONDONTWRITEBYTECODE=1
PYTHONPATH="$here" DJANGO_SETTINGS_MODULE=dot1site.settings "$python" make_db.py
