"""Pure parsing of intake answers (no rasa-sdk imports): ages, pain levels, durations, contacts..."""
