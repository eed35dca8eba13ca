"""The example apps: app.py (minimal), example/hardened_app.py, example/plugin_app.py."""
