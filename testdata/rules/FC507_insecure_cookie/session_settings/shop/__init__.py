from flask import Flask

from . import settings

app = Flask(__name__)
app.config.from_object(settings)
app.config.from_object("shop.config.ProductionConfig")
app.config.update(SESSION_COOKIE_HTTPONLY=False)  # expect: FC507

from . import views  # noqa: E402,F401
