"""Small extensions loaded by the Rasa server process (Rasa environment, not the app's).

Only standard Rasa and SQLAlchemy 1.4 imports here: this code runs inside
``.venv-rasa`` with the repository on ``PYTHONPATH`` (set by ``bot.stack``).
"""

#: The slot the action server sets when a patient declines consent: the tracker
#: store then deletes the whole conversation instead of saving it (nothing kept).
#: Imported by the actions too, so the two processes share one name.
FORGET_SLOT = "forget_conversation"
