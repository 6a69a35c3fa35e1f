//! The file pass's data flow, seen through what functions return.

use std::sync::Arc;

use flaskcheck_python::parse_module;

use super::{analyze_with, FileAnalysis, ModuleName};
use crate::source::{FileId, SourceFile};

fn analyze(module: &str, source: &str) -> FileAnalysis {
    let file = SourceFile::from_text(FileId(0), std::path::Path::new("x.py"), Arc::from(source));
    let parsed = parse_module(source).expect("test source parses");
    analyze_with(
        &file,
        ModuleName {
            name: module.into(),
            is_package: false,
        },
        parsed.module(),
        Vec::new(),
    )
}

/// What the function `name` returns, one rendered term per `return`.
fn returns(source: &str, name: &str) -> Vec<String> {
    let analysis = analyze("m", source);
    let facts = &analysis.facts;
    let function = facts
        .functions
        .iter()
        .find(|f| f.name.as_str() == name)
        .unwrap_or_else(|| panic!("no function {name}"));
    function
        .returns
        .iter()
        .map(|site| facts.terms.render(site.value))
        .collect()
}

#[test]
fn rebinding_replaces_the_value() {
    let source = "def f():\n    x = a()\n    x = x.to_dict()\n    return x\n";
    assert_eq!(returns(source, "f"), ["m.a().to_dict()"]);
}

#[test]
fn branches_join() {
    let source =
        "def f(c):\n    if c:\n        x = a()\n    else:\n        x = b()\n    return x\n";
    assert_eq!(returns(source, "f"), ["m.a() | m.b()"]);
    // The path through the `if` comes first, then the one that skips it.
    let source = "def f(c):\n    x = a()\n    if c:\n        x = b()\n    return x\n";
    assert_eq!(returns(source, "f"), ["m.b() | m.a()"]);
}

#[test]
fn a_branch_that_returns_does_not_reach_the_join() {
    let source =
        "def f(c):\n    x = a()\n    if c:\n        x = b()\n        return 1\n    return x\n";
    assert_eq!(returns(source, "f"), ["const", "m.a()"]);
}

#[test]
fn loops_collect_what_they_append() {
    let source =
        "def f():\n    out = []\n    for u in q():\n        out.append(u)\n    return out\n";
    assert_eq!(returns(source, "f"), ["[elem(m.q())]"]);
    let source =
        "def f():\n    out = {}\n    for u in q():\n        out[u.id] = u\n    return out\n";
    assert_eq!(returns(source, "f"), ["{elem(m.q())}"]);
}

#[test]
fn handlers_bind_the_exception() {
    let source = "def f():\n    try:\n        x = a()\n    except ValueError as e:\n        x = str(e)\n    return x\n";
    assert_eq!(returns(source, "f"), ["m.a() | builtins.str(exception)"]);
}

#[test]
fn unpacking_keeps_positions() {
    let source = "def f():\n    user, status = g(), 200\n    return status\n";
    assert_eq!(returns(source, "f"), ["const"]);
    let source = "def f():\n    user, status = g()\n    return user\n";
    assert_eq!(returns(source, "f"), ["m.g()[0]"]);
}

#[test]
fn comprehensions_filtered_by_membership_are_allow_listed() {
    let source = "def f(d):\n    return {k: v for k, v in d.items() if k in ALLOWED}\n";
    assert_eq!(
        returns(source, "f"),
        ["allow([{elem(param0.items())[0], elem(param0.items())[1]}])"]
    );
    let source = "def f(d):\n    return [v for v in d if v]\n";
    assert_eq!(returns(source, "f"), ["[elem(param0)]"]);
}

#[test]
fn imports_resolve_relative_to_the_package() {
    let analysis = analyze(
        "shop.views",
        "from .models import User\nfrom ..core import db as database\nimport flask\n\ndef f():\n    return User, database.session, flask.request.json\n",
    );
    let facts = &analysis.facts;
    let rendered: Vec<String> = facts.functions[0]
        .returns
        .iter()
        .map(|site| facts.terms.render(site.value))
        .collect();
    assert_eq!(
        rendered,
        ["(shop.models.User, core.db.session, flask.request.json)"]
    );
}

#[test]
fn methods_see_self_and_classmethods_cls() {
    let source = "class A:\n    def get(self):\n        return self.x\n\n    @classmethod\n    def make(cls):\n        return cls()\n";
    assert_eq!(returns(source, "get"), ["self.x"]);
    assert_eq!(returns(source, "make"), ["cls()"]);
}

#[test]
fn module_level_names_are_read_by_qualified_name() {
    let source = "def f():\n    return later()\n\ndef later():\n    return 1\n\nCONFIG = load()\n";
    assert_eq!(returns(source, "f"), ["m.later()"]);
    let analysis = analyze("m", source);
    let config = analysis
        .facts
        .globals
        .iter()
        .find(|g| g.name.as_str() == "CONFIG")
        .unwrap();
    assert_eq!(analysis.facts.terms.render(config.value), "m.load()");
}

#[test]
fn strings_built_from_values_are_formats() {
    let source = "def f(t):\n    a = f\"SELECT * FROM {t}\"\n    b = 'x %s' % (t,)\n    c = 'a' + t\n    d = '{}'.format(t)\n    return a, b, c, d, 'const'\n";
    assert_eq!(
        returns(source, "f"),
        ["(fmt(param0), fmt(param0), fmt(param0), fmt(param0), const)"]
    );
}

#[test]
fn a_path_joined_with_a_slash_is_a_path_of_both_parts() {
    let source = "from pathlib import Path\nBASE = Path('/srv')\n\ndef f(name):\n    return BASE / 'files' / name\n\ndef g(a, b):\n    return a / b\n";
    assert_eq!(
        returns(source, "f"),
        ["pathlib.Path(pathlib.Path(m.BASE, const), param0)"]
    );
    // A division of other values holds neither: it is a number.
    assert_eq!(returns(source, "g"), ["?"]);
}
