"""The assistant and the service around it: training, running, store, gateway, CLI."""
