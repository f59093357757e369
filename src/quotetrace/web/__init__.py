"""The web app: the article view (who said what, the headline check) and the HTTP API.

``create_app`` builds the FastAPI application; ``quotetrace serve`` runs it (``quotetrace.cli.serve``).
"""
