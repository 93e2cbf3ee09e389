"""Action server package (loaded whole by rasa-sdk): form validation and intake actions.

Pure domain logic lives in ``actions.intake`` (answer parsing) and ``actions.clinical``
(the clinical engine); the rasa-sdk classes in this package are thin glue around them.
"""
