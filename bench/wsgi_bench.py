"""The benchmark's gunicorn app: the product's app plus one route, `/_bench/hello`.

The hello-world route is the ceiling every page is compared with: it goes through the
same server, the same middleware (ProxyFix when set), the same before/after request
hooks and security headers as the real pages, and does no work of its own. It exists
only in this module, never in the product's URL map (`wsgi.py`).
"""

from civic_app import create_app

app = create_app()


@app.route("/_bench/hello")
def bench_hello():
    return "hello"
