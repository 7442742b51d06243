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

# Workers with a few threads each. Pages are short, server-rendered requests, but a round's
# ZIP of jury packets streams for as long as WeasyPrint takes to lay out each packet (some ten
# nominations a second: half a minute and more for a whole first round). A sync worker is
# killed after `timeout` whatever it is doing; a threaded worker's main thread keeps telling
# gunicorn it is alive, so `timeout` then only catches a worker that has hung. The page store
# (kommunpris.web.page_store) is shared by a worker's threads under a lock.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
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
