"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`.

This app never runs the periodic jobs (`flask scheduler run` does, in production); the
embedded server of `make run` serves `civic_app:create_app(start_scheduler=True)`.
"""

from civic_app import create_app

app = create_app()
