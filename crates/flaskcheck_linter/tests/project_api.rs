//! The `Project` API as an editor uses it: fill once, override a file with an unsaved buffer,
//! re-analyze that file alone, check for the file shown; files that appear are found by a refresh.

use std::fs;
use std::path::Path;

use flaskcheck_linter::{LintReport, Project, ProjectConfig, ReportScope, RuleSelection};

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
    project_at(root)
}

/// A project of everything under `root`, every rule enabled, no cache.
fn project_at(root: &Path) -> Project {
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

#[test]
fn a_flow_through_another_file_is_reported_for_either_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut project = project(root);
    write(
        root,
        "shop/inputs.py",
        "from flask import request\n\n\ndef wanted_host():\n    return request.args[\"host\"]\n",
    );
    write(
        root,
        "shop/tools.py",
        "import os\n\nfrom shop import bp\nfrom shop.inputs import wanted_host\n\n\n@bp.route(\"/ping\")\ndef ping():\n    os.system(\"ping -c 1 \" + wanted_host())\n    return \"ok\"\n",
    );
    write(root, "shop/settings.py", "SESSION_COOKIE_SECURE = False\n");
    write(
        root,
        "shop/app.py",
        "from flask import Flask\n\napp = Flask(__name__)\napp.config.from_object(\"shop.settings\")\n",
    );
    project.refresh().unwrap();
    let injection = vec![("tools.py".to_string(), 9, "FC606")];
    let scope = |path: &str| ReportScope::Paths(vec![root.join(path)]);
    assert_eq!(codes(&project, &scope("shop/tools.py")), injection);
    // The helper reads what the sink runs: the finding is the helper's too.
    assert_eq!(codes(&project, &scope("shop/inputs.py")), injection);

    let cookie = vec![("settings.py".to_string(), 1, "FC507")];
    assert_eq!(codes(&project, &scope("shop/settings.py")), cookie);
    // The app that loads the setting is where it takes effect.
    assert_eq!(codes(&project, &scope("shop/app.py")), cookie);
}

/// Everything a check reports, as the user sees it: place, code, message and related locations.
fn findings(project: &Project, scope: &ReportScope) -> Vec<String> {
    described(&project.check(scope))
}

/// Each finding of a report: place, code, message and related locations.
fn described(report: &LintReport) -> Vec<String> {
    let name = |id| report.file(id).path.to_string_lossy().replace('\\', "/");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let related: Vec<String> = d
                .related
                .iter()
                .map(|r| {
                    format!(
                        "{}:{}:{} {}",
                        name(r.file),
                        r.span.start.line,
                        r.span.start.column,
                        r.message
                    )
                })
                .collect();
            format!(
                "{}:{}:{} {} {} [{}]",
                name(d.file),
                d.span.start.line,
                d.span.start.column,
                d.rule.code(),
                d.message,
                related.join("; ")
            )
        })
        .collect()
}

/// A project filled from nothing (no previous fill, no cache) with these buffers over the files.
fn cold(config: &ProjectConfig, overlays: &[(std::path::PathBuf, String)]) -> Project {
    let mut project = Project::new(config.clone()).unwrap();
    for (path, text) in overlays {
        project.set_overlay(path, text.as_str());
    }
    project.refresh().unwrap();
    project
}

/// After each edit, the kept project reports for every file (and for the whole project) what a
/// cold project of the same texts reports.
fn assert_like_cold(
    project: &Project,
    overlays: &[(std::path::PathBuf, String)],
    files: &[std::path::PathBuf],
) {
    let fresh = cold(project.config(), overlays);
    assert_eq!(
        findings(project, &ReportScope::All),
        findings(&fresh, &ReportScope::All)
    );
    for file in files {
        let scope = ReportScope::Paths(vec![file.clone()]);
        assert_eq!(
            findings(project, &scope),
            findings(&fresh, &scope),
            "{}",
            file.display()
        );
    }
}

/// Checks the project after an edit to `edited` as an editor does, and asserts that the
/// findings handed over first are exactly the whole check's findings located in `edited`;
/// returns them.
fn assert_first_is_exact(project: &Project, edited: &Path) -> Vec<String> {
    let mut first = None;
    let whole = project.check_edited(&ReportScope::All, edited, &mut |report| {
        first = Some(report);
    });
    let first = first.expect("something changed: the edited file's findings come first");
    let first = described(&first);
    let located: Vec<String> = described(&whole)
        .into_iter()
        .filter(|finding| {
            let path = finding.split(' ').next().unwrap();
            path.rsplitn(3, ':').nth(2) == Some(&edited.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    assert_eq!(first, located, "{}", edited.display());
    first
}

#[test]
fn a_check_with_nothing_changed_reuses_the_last_project_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut project = project(root);
    project.refresh().unwrap();
    let views = root.join("shop/views.py");
    let repository = root.join("shop/repository.py");
    let leak = vec![("views.py".to_string(), 10, "FC101")];
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![views.clone()])),
        leak
    );
    assert_eq!(project.project_passes(), 1);
    // Another file asked about, and the same buffer again (a save): nothing changed.
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![repository.clone()])),
        leak
    );
    project.set_overlay(&views, VIEW);
    assert!(project.update_file(&views));
    let first_overlay = codes(&project, &ReportScope::Paths(vec![views.clone()]));
    assert_eq!(first_overlay, leak);
    let passes = project.project_passes();
    assert_eq!(passes, 2, "a file now read from a buffer is analysed again");
    project.set_overlay(&views, VIEW);
    assert!(project.update_file(&views));
    assert_eq!(
        codes(&project, &ReportScope::Paths(vec![views.clone()])),
        leak
    );
    assert_eq!(
        project.project_passes(),
        passes,
        "the same text again: reused"
    );
    // A real edit runs the pass again, and its result is a cold run's.
    let fixed = VIEW.replace("jsonify(user)", "jsonify({\"id\": user.id})");
    project.set_overlay(&views, fixed.as_str());
    assert!(project.update_file(&views));
    assert!(codes(&project, &ReportScope::Paths(vec![views.clone()])).is_empty());
    assert_eq!(project.project_passes(), passes + 1);
    assert_like_cold(&project, &[(views.clone(), fixed)], &[views, repository]);
}

/// A generated project of `count` views, each returning what its own helper module loads; the
/// helpers load through a shared `loaders` module.
fn generated(root: &Path, count: usize) -> Vec<std::path::PathBuf> {
    write(
        root,
        "app/__init__.py",
        "from flask import Blueprint\n\nbp = Blueprint(\"app\", __name__)\n",
    );
    write(
        root,
        "app/models.py",
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass Account(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    password_hash = db.Column(db.String)\n",
    );
    write(
        root,
        "app/loaders.py",
        "from app.models import Account\n\n\ndef load(account_id):\n    return Account.query.get_or_404(account_id)\n",
    );
    for n in 0..count {
        write(root, &format!("app/helpers_{n}.py"), &helper(n, true));
        write(
            root,
            &format!("app/views_{n}.py"),
            &format!("from flask import jsonify\n\nfrom app import bp\nfrom app.helpers_{n} import fetch\n\n\n@bp.route(\"/v{n}/<int:account_id>\")\ndef show_{n}(account_id):\n    return jsonify(fetch(account_id))\n"),
        );
    }
    let mut files = vec![
        root.join("app/__init__.py"),
        root.join("app/models.py"),
        root.join("app/loaders.py"),
    ];
    for n in 0..count {
        files.push(root.join(format!("app/helpers_{n}.py")));
        files.push(root.join(format!("app/views_{n}.py")));
    }
    files
}

/// A helper that hands the view the model itself (`leaks`) or a dict of chosen fields.
fn helper(n: usize, leaks: bool) -> String {
    let body = if leaks {
        "    return load(account_id)\n".to_string()
    } else {
        "    account = load(account_id)\n    return {\"id\": account.id}\n".to_string()
    };
    format!("from app.loaders import load\n\n\ndef fetch(account_id):\n    # helper {n}\n{body}")
}

#[test]
fn edits_to_a_helper_module_update_the_findings_of_the_views_that_import_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = generated(root, 4);
    let mut project = project_at(root);
    project.refresh().unwrap();
    let view = |n: usize| ReportScope::Paths(vec![root.join(format!("app/views_{n}.py"))]);
    let helper_path = |n: usize| root.join(format!("app/helpers_{n}.py"));
    for n in 0..4 {
        assert_eq!(
            codes(&project, &view(n)),
            vec![(format!("views_{n}.py"), 9, "FC101")]
        );
    }
    let mut overlays = Vec::new();
    assert_like_cold(&project, &overlays, &files);

    // The edit that removes the leak clears it in the view of that helper only.
    overlays.push((helper_path(2), helper(2, false)));
    project.set_overlay(&helper_path(2), helper(2, false).as_str());
    assert!(project.update_file(&helper_path(2)));
    assert_first_is_exact(&project, &helper_path(2));
    assert!(codes(&project, &view(2)).is_empty());
    assert_eq!(codes(&project, &view(1)).len(), 1);
    assert_like_cold(&project, &overlays, &files);

    // The module that loads the model, asked about, shows the leaks it feeds (their related
    // location is its query), one fewer after each fix.
    let leaks = |views: &[usize]| -> Vec<(String, u32, &'static str)> {
        views
            .iter()
            .map(|n| (format!("views_{n}.py"), 9, "FC101"))
            .collect()
    };
    let scope = ReportScope::Paths(vec![root.join("app/loaders.py")]);
    assert_eq!(codes(&project, &scope), leaks(&[0, 1, 3]));
    overlays.push((helper_path(1), helper(1, false)));
    project.set_overlay(&helper_path(1), helper(1, false).as_str());
    assert!(project.update_file(&helper_path(1)));
    assert_first_is_exact(&project, &helper_path(1));
    assert_eq!(codes(&project, &scope), leaks(&[0, 3]));
    assert_like_cold(&project, &overlays, &files);

    // An edit to the module every helper uses changes every view: the loader returns a dict.
    let loaders = root.join("app/loaders.py");
    let text = "from app.models import Account\n\n\ndef load(account_id):\n    account = Account.query.get_or_404(account_id)\n    return {\"id\": account.id}\n".to_string();
    overlays.push((loaders.clone(), text.clone()));
    project.set_overlay(&loaders, text.as_str());
    assert!(project.update_file(&loaders));
    assert_first_is_exact(&project, &loaders);
    assert!(codes(&project, &ReportScope::All).is_empty());
    assert_like_cold(&project, &overlays, &files);

    // And back: the leak is in every view whose helper still hands on what it loads.
    overlays.pop();
    project.remove_overlay(&loaders);
    assert!(project.update_file(&loaders));
    assert_eq!(codes(&project, &ReportScope::All).len(), 2);
    assert_like_cold(&project, &overlays, &files);
}

#[test]
fn edits_in_the_demo_app_report_what_a_cold_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/demo_app");
    let mut files = Vec::new();
    copy_tree(&demo, root, &mut files);
    files.sort();
    let mut project = project_at(root);
    project.refresh().unwrap();
    let mut overlays = Vec::new();
    assert_like_cold(&project, &overlays, &files);
    // Each Python file in turn gets a buffer that drops its last function's body (or, for a file
    // without one, an added line): every kind of module edited once.
    for file in files
        .iter()
        .filter(|file| file.extension().is_some_and(|e| e == "py"))
    {
        let text = fs::read_to_string(file).unwrap();
        let edited = match text.rfind("\n    return ") {
            Some(at) => format!("{}\n    return None\n", &text[..at]),
            None => format!("{text}\nEDITED = 1\n"),
        };
        project.set_overlay(file, edited.as_str());
        assert!(project.update_file(file));
        assert_first_is_exact(&project, file);
        overlays.push((file.clone(), edited));
    }
    assert_like_cold(&project, &overlays, &files);
    let edited = findings(&project, &ReportScope::All);
    // Every buffer closed: back to the files on disk.
    for (file, _) in overlays.drain(..) {
        project.remove_overlay(&file);
        assert!(project.update_file(&file));
        assert_first_is_exact(&project, &file);
    }
    assert_like_cold(&project, &overlays, &files);
    assert_ne!(
        edited,
        findings(&project, &ReportScope::All),
        "the edits changed findings"
    );
}

fn copy_tree(from: &Path, to: &Path, files: &mut Vec<std::path::PathBuf>) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target, files);
        } else {
            fs::copy(entry.path(), &target).unwrap();
            files.push(target);
        }
    }
}

/// Mongo finds in a repository module, their documents returned by views in two other modules:
/// FC104 reports at the find, in the repository, from the views' passes.
fn mongo_project(root: &Path) -> Vec<std::path::PathBuf> {
    write(root, "crm/__init__.py", "");
    write(
        root,
        "crm/repository.py",
        "from pymongo import MongoClient\n\ncontacts = MongoClient().crm.contacts\n\n\ndef find_contacts(owner):\n    return contacts.find({\"owner\": owner})\n",
    );
    for name in ["contacts", "export"] {
        write(
            root,
            &format!("crm/{name}.py"),
            &format!("from flask import Flask, jsonify\n\nfrom crm.repository import find_contacts\n\napp = Flask(__name__)\n\n\n@app.get(\"/{name}/<owner>\")\ndef {name}(owner):\n    return jsonify(list(find_contacts(owner)))\n"),
        );
    }
    ["__init__", "repository", "contacts", "export"]
        .iter()
        .map(|name| root.join(format!("crm/{name}.py")))
        .collect()
}

#[test]
fn the_edited_file_first_holds_what_other_files_passes_report_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = mongo_project(root);
    let repository = root.join("crm/repository.py");
    let contacts = root.join("crm/contacts.py");
    let mut project = project_at(root);
    project.refresh().unwrap();
    project.check(&ReportScope::All);

    // An edit to the repository: its own pass finds nothing, the views' passes find the
    // unprojected `find`, here, reached by both views.
    let text = format!(
        "{}\n\nLIMIT = 10\n",
        fs::read_to_string(&repository).unwrap()
    );
    project.set_overlay(&repository, text.as_str());
    assert!(project.update_file(&repository));
    let first = assert_first_is_exact(&project, &repository);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains(" FC104 "), "{first:?}");
    assert!(
        first[0].contains("contacts.py:10") && first[0].contains("export.py:10"),
        "both views' passes take part: {first:?}"
    );
    let mut overlays = vec![(repository.clone(), text)];
    assert_like_cold(&project, &overlays, &files);

    // An edit to a view that no longer returns the documents: the view has nothing, and the
    // finding in the repository keeps the other view only.
    let chosen = fs::read_to_string(&contacts)
        .unwrap()
        .replace("jsonify(list(find_contacts(owner)))", "jsonify([])");
    project.set_overlay(&contacts, chosen.as_str());
    assert!(project.update_file(&contacts));
    assert_eq!(
        assert_first_is_exact(&project, &contacts),
        Vec::<String>::new()
    );
    let repository_findings = findings(&project, &ReportScope::Paths(vec![repository.clone()]));
    assert!(
        repository_findings.len() == 1 && !repository_findings[0].contains("contacts.py"),
        "{repository_findings:?}"
    );
    overlays.push((contacts.clone(), chosen));
    assert_like_cold(&project, &overlays, &files);

    // Nothing changed since: the whole check is the last one, and nothing is handed over first.
    let mut first = None;
    project.check_edited(&ReportScope::All, &contacts, &mut |report| {
        first = Some(report)
    });
    assert!(first.is_none());
}

/// On a real project (`FLASKCHECK_EDIT_CORPUS`, a folder; run with `--release -- --ignored`):
/// one character appended to a file, for every file with a finding or a related location and
/// every 25th other file, gives first exactly the findings the whole check locates in it.
#[test]
#[ignore = "needs a corpus: FLASKCHECK_EDIT_CORPUS=.bench/corpora/flask"]
fn on_a_corpus_the_edited_file_first_is_exact() {
    let root = std::path::PathBuf::from(std::env::var("FLASKCHECK_EDIT_CORPUS").unwrap());
    let root = fs::canonicalize(root).unwrap();
    let mut project = project_at(&root);
    project.refresh().unwrap();
    let report = project.check(&ReportScope::All);
    let mut involved: Vec<std::path::PathBuf> = report
        .diagnostics
        .iter()
        .flat_map(|d| std::iter::once(d.file).chain(d.related.iter().map(|r| r.file)))
        .map(|file| report.file(file).path.clone())
        .collect();
    involved.extend(
        report
            .files
            .iter()
            .step_by(25)
            .map(|file| file.path.clone()),
    );
    involved.sort();
    involved.dedup();
    let mut with_findings = 0;
    for file in &involved {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        project.set_overlay(file, format!("{text}\n#").as_str());
        assert!(project.update_file(file));
        with_findings += usize::from(!assert_first_is_exact(&project, file).is_empty());
        project.remove_overlay(file);
        assert!(project.update_file(file));
    }
    eprintln!(
        "{} files edited, {with_findings} with findings of their own",
        involved.len()
    );
}
