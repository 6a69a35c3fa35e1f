//! A small Flask project for the tests: `app/models.py` (the `User` model) and, where a test
//! wants it, `app/views.py`, a view that returns a `User` whole (FC101).

use std::fs;

const MODELS: &str = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    password_hash = db.Column(db.String)\n";

pub(crate) const VIEW: &str = "from flask import Flask, jsonify\n\nfrom app.models import User\n\napp = Flask(__name__)\n\n\n@app.get(\"/users/<int:user_id>\")\ndef show(user_id):\n    user = User.query.get_or_404(user_id)\n    return jsonify(user)\n";

/// The project in a temporary folder: the package `app` with its models, and the view if
/// `with_view`.
pub(crate) fn write(with_view: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    fs::create_dir(&app).unwrap();
    fs::write(app.join("__init__.py"), "").unwrap();
    fs::write(app.join("models.py"), MODELS).unwrap();
    if with_view {
        fs::write(app.join("views.py"), VIEW).unwrap();
    }
    dir
}
