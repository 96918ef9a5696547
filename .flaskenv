# Read by the `flask` command in a checkout (python-dotenv); a real environment variable wins.
FLASK_APP=wsgi
CIVIC_ENV=development
