"""Pure intake logic (no rasa-sdk imports): parsing answers, form flow, read-back."""
