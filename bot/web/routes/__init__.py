"""The gateway's routes, one module per audience: chat, staff API, pages, health."""
