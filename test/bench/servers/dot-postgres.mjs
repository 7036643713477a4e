// Django OAuth Toolkit 1.7 (Debian's python3-django-oauth-toolkit, python3-psycopg2) on gunicorn
// with 2 sync workers and PostgreSQL (DATABASE_URL, a database of its own that the runner made):
// the same minimal Django project as dot.mjs, with Django's PostgreSQL backend and persistent
// connections (CONN_MAX_AGE, as a deployment sets it; Grantline keeps a pool too). Besides the
// client_credentials client, a confidential authorization-code client (CODE_CLIENT_ID, the same
// secret; DOT 1.7 gives each application one grant type, refresh_token coming with it) and its
// user. Codes and refresh tokens are inserted by the runner with SQL (lib/postgres-checks.mjs).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } from './bench-client.mjs'

const CODE_CLIENT_ID = process.env.CODE_CLIENT_ID ?? 'bench-client-code'

const port = Number(process.env.PORT ?? 8080)
const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-dot-pg-'))
const python = '/usr/bin/python3'
const url = new URL(process.env.DATABASE_URL ?? '')
const py = (value) => JSON.stringify(String(value))

writeFileSync(
  join(dir, 'benchsite.py'),
  `SECRET_KEY = 'bench-only-not-secret'
DEBUG = False
ALLOWED_HOSTS = ['*']
INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'oauth2_provider']
MIDDLEWARE = []
ROOT_URLCONF = 'benchurls'
DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': ${py(decodeURIComponent(url.pathname.slice(1)))},
  'USER': ${py(decodeURIComponent(url.username))}, 'PASSWORD': ${py(decodeURIComponent(url.password))},
  'HOST': ${py(url.hostname)}, 'PORT': ${py(url.port || '5432')}, 'CONN_MAX_AGE': 60}}
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
USE_TZ = True
OAUTH2_PROVIDER = {'SCOPES': {'read': 'Reading scope', 'write': 'Writing scope'}, 'ACCESS_TOKEN_EXPIRE_SECONDS': 3600}
LOGGING = {'version': 1, 'disable_existing_loggers': True}
`,
)
writeFileSync(
  join(dir, 'benchurls.py'),
  "from django.urls import include, path\nurlpatterns = [path('o/', include('oauth2_provider.urls', namespace='oauth2_provider'))]\n",
)
writeFileSync(
  join(dir, 'manage.py'),
  "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchsite')\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n",
)
writeFileSync(
  join(dir, 'wsgi.py'),
  "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchsite')\nfrom django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
)

const env = { ...process.env, PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'benchsite' }
execFileSync(python, ['manage.py', 'migrate', '-v', '0'], { cwd: dir, env })
execFileSync(
  python,
  [
    'manage.py',
    'shell',
    '-c',
    `from django.contrib.auth.models import User
from oauth2_provider.models import Application
User.objects.create(username='bench-user')
Application.objects.create(name='bench', client_id='${CLIENT_ID}', client_secret='${CLIENT_SECRET}', client_type='confidential', authorization_grant_type='client-credentials', redirect_uris='')
Application.objects.create(name='bench code', client_id='${CODE_CLIENT_ID}', client_secret='${CLIENT_SECRET}', client_type='confidential', authorization_grant_type='authorization-code', redirect_uris='${REDIRECT_URI}')`,
  ],
  { cwd: dir, env },
)

const gunicorn = spawn(
  '/usr/bin/gunicorn',
  ['--workers', '2', '--bind', `127.0.0.1:${port}`, '--log-level', 'warning', 'wsgi:application'],
  {
    cwd: dir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
)
const stop = () => gunicorn.kill('SIGTERM')
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
gunicorn.on('exit', (code) => process.exit(code ?? 0))

// Ready once gunicorn answers.
for (let i = 0; i < 100; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/o/token/`, { method: 'POST' })
    break
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
console.log(JSON.stringify({ ready: true, pid: gunicorn.pid, dir }))
