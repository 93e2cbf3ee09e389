"""The assistant and the service around it: training, running, CLI (and later the store and web gateway)."""
