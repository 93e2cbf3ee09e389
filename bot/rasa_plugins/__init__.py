"""Small extensions loaded by the Rasa server process (Rasa environment, not the app's).

Only standard Rasa and SQLAlchemy 1.4 imports here: this code runs inside
``.venv-rasa`` with the repository on ``PYTHONPATH`` (set by ``bot.stack``).
"""
