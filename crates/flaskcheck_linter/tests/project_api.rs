//! The `Project` API as an editor uses it: fill once, override a file with an unsaved buffer,
//! re-analyze that file alone, check for the file shown; files that appear are found by a refresh.

use std::fs;
use std::path::Path;

use flaskcheck_linter::{Project, ProjectConfig, ReportScope, RuleSelection};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const VIEW: &str = "from flask import jsonify\n\nfrom shop.repository import find_user\nfrom shop import bp\n\n\n@bp.route(\"/users/<int:user_id>\")\ndef show(user_id):\n    user = find_user(user_id)\n    return jsonify(user)\n";

fn project(root: &Path) -> Project {
    write(
        root,
        "shop/__init__.py",
        "from flask import Blueprint\n\nbp = Blueprint(\"shop\", __name__)\n",
    );
    write(
        root,
        "shop/models.py",
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
    );
    write(
        root,
        "shop/repository.py",
        "from shop.models import User\n\n\ndef find_user(user_id):\n    return User.query.get_or_404(user_id)\n",
    );
    write(root, "shop/views.py", VIEW);
    Project::new(ProjectConfig {
        root: Some(root.to_path_buf()),
        paths: vec![root.to_path_buf()],
        selection: RuleSelection::all(),
        exclude: flaskcheck_linter::ExcludeSet::new(flaskcheck_linter::DEFAULT_EXCLUDES).unwrap(),
        per_file_ignores: Default::default(),
        report_unused_suppressions: false,
        threads: 2,
        cache_dir: None,
    })
    .unwrap()
}

fn codes(project: &Project, scope: &ReportScope) -> Vec<(String, u32, &'static str)> {
    let report = project.check(scope);
    report
        .diagnostics
        .iter()
        .map(|d| {
            let path = report
                .file(d.file)
                .path
                .to_string_lossy()
                .replace('\\', "/");
            let name = path.rsplit('/').next().unwrap().to_string();
            (name, d.span.start.line, d.rule.code())
        })
        .collect()
}

#[test]
fn an_overlay_replaces_the_file_until_removed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut project = project(root);
    project.refresh().unwrap();
    assert_eq!(project.file_count(), 4);
    let views = root.join("shop/views.py");
    let repository = root.join("shop/repository.py");
    let leak = vec![("views.py".to_string(), 10, "FC101")];
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![views.clone()])),
        leak
    );
    // The helper takes part in the leak; the model does not.
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![repository.clone()])),
        leak
    );
    assert!(codes(
        &project,
        &ReportScope::Paths(vec![root.join("shop/models.py")])
    )
    .is_empty());

    // The unsaved buffer returns chosen fields: nothing to report, for the view or its helper.
    let fixed = VIEW.replace("jsonify(user)", "jsonify({\"id\": user.id})");
    project.set_overlay(&views, fixed.as_str());
    assert!(project.update_file(&views));
    assert!(codes(&project, &ReportScope::Paths(vec![views.clone()])).is_empty());
    assert!(codes(&project, &ReportScope::Paths(vec![repository])).is_empty());
    assert_eq!(
        fs::read_to_string(&views).unwrap(),
        VIEW,
        "the file on disk is untouched"
    );

    // The buffer is closed: the file on disk counts again.
    project.remove_overlay(&views);
    assert!(project.update_file(&views));
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![views.clone()])),
        leak
    );
    assert!(
        !project.update_file(&root.join("shop/new.py")),
        "not a file of the project yet"
    );
}

#[test]
fn a_refresh_finds_new_files_and_keeps_unchanged_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut project = project(root);
    project.refresh().unwrap();
    assert_eq!(project.stats().analyzed, 4);
    write(
        root,
        "shop/admin.py",
        "from flask import jsonify\n\nfrom shop import bp\nfrom shop.models import User\n\n\n@bp.route(\"/admin/users\")\ndef users():\n    return jsonify(User.query.all())\n",
    );
    project.refresh().unwrap();
    assert_eq!(project.file_count(), 5);
    assert_eq!((project.stats().analyzed, project.stats().kept), (1, 4));
    assert_eq!(
        codes(
            &project,
            &ReportScope::Paths(vec![root.join("shop/admin.py")])
        ),
        vec![("admin.py".to_string(), 9, "FC102")]
    );
    assert_eq!(codes(&project, &ReportScope::All).len(), 2);
}

#[test]
fn an_overlay_of_a_file_not_on_disk_joins_the_project_at_a_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut project = project(root);
    project.refresh().unwrap();
    // A new module the editor has not saved yet (or an assistant proposes).
    let draft = root.join("shop/draft.py");
    project.set_overlay(&draft, VIEW.replace("def show", "def draft").as_str());
    assert!(
        !project.update_file(&draft),
        "not a file of the project yet"
    );
    project.refresh().unwrap();
    assert_eq!(project.file_count(), 5);
    assert!(!draft.exists());
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![draft.clone()])),
        vec![("draft.py".to_string(), 10, "FC101")]
    );
    // Named without a root, it is analyzed alone.
    let mut alone = Project::new(ProjectConfig {
        root: None,
        paths: vec![draft.clone()],
        ..project.config().clone()
    })
    .unwrap();
    alone.set_overlay(&draft, "print('draft')\n");
    alone.refresh().unwrap();
    assert_eq!(alone.file_count(), 1);
    // Removed, it is gone at the next refresh.
    project.remove_overlay(&draft);
    project.refresh().unwrap();
    assert_eq!(project.file_count(), 4);
}
