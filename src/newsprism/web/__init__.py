"""The web application and HTTP API over the store (`newsprism serve`).

    from newsprism.web import create_app
    app = create_app(load_settings(db="sqlite:///newsprism.db"), token="s3cret")
"""

from newsprism.web.app import create_app
from newsprism.web.settings import WebSettings, load_web_settings

__all__ = ["WebSettings", "create_app", "load_web_settings"]
