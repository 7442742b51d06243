"""gunicorn settings for kommunpris behind nginx (started by deploy/systemd/kommunpris.service).

nginx talks to gunicorn over a UNIX socket that only it can reach; TLS ends at nginx.
Values can be overridden from the environment file (GUNICORN_WORKERS, GUNICORN_BIND).
"""

import multiprocessing
import os

wsgi_app = "kommunpris.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "unix:/run/kommunpris/gunicorn.sock")
# The socket is read and written by the kommunpris group, which nginx's user belongs to.
umask = 0o007

# Synchronous workers: the pages are short, server-rendered requests.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on disk.
worker_tmp_dir = "/dev/shm"

# Refuse oversized request lines and headers early (nginx limits bodies).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# No runtime control socket: nothing but systemd manages this server.
control_socket_disable = True

# Logs go to the journal. The access log holds paths, never bodies (nominations are POSTed).
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
proc_name = "kommunpris"
