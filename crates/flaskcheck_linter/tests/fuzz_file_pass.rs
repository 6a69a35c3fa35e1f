//! A bounded fuzz run over the whole pipeline (read, scan, parse, file pass, index, project pass,
//! every rule). The toolchain is stable, so `cargo fuzz` cannot run; this generates projects with
//! proptest instead: Flask-shaped statements, with expressions nested thousands of levels deep in
//! every position the walk and the rules reach, spliced with bytes that break lexing (quotes,
//! brackets, NUL, backslashes, terminal escapes), over two modules that import each other.
//!
//! Each case must end with a report: no abort, no panic caught as FC002, and the ordinary file
//! beside the generated ones analysed. The number of cases is proptest's (`PROPTEST_CASES`):
//! the default 256 here, more in the CI step that runs this test on its own.

mod common;

use common::{codes_in, lint_dir, ORDINARY};
use flaskcheck_linter::Rule;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// A link of a chain, repeated `depth` times around (or after) a leaf: `(open, close)`.
const LINKS: &[(&str, &str)] = &[
    ("-", ""),
    ("not ", ""),
    ("~", ""),
    ("await ", ""),
    ("a + ", ""),
    ("a * ", ""),
    ("a ** ", ""),
    ("a if b else ", ""),
    ("lambda: ", ""),
    ("lambda x=1, *a, **k: ", ""),
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("{'k': ", "}"),
    ("f(", ")"),
    ("f(a=", ")"),
    ("f'{", "}'"),
    ("[x for x in ", "]"),
    ("(y := ", ")"),
    ("*", ""),
    ("a and (", ")"),
    ("a < (", ")"),
    ("str(", ")"),
    ("dict(DEBUG=True, x=", ")"),
];

/// Links that go after the leaf: `x.b.b`, `x()()`, `x[0][0]`.
const SUFFIXES: &[&str] = &[".b", "()", "[0]", ".first()", ".filter_by(id=id)", "['k']"];

/// Where a deep expression `X` goes: statements of a Flask project, each reaching one rule or
/// one part of the walk.
const CONTEXTS: &[&str] = &[
    "x = X",
    "SECRET_KEY = X",
    "app.config['SQLALCHEMY_DATABASE_URI'] = X",
    "@app.route('/u/<id>')\ndef view(id):\n    return jsonify(X)",
    "@app.route('/p/<id>')\ndef show(id):\n    post = Post.query.get(id)\n    if X:\n        abort(403)\n    return jsonify(post)",
    "def lookup(id):\n    return Post.query.filter(X).first()",
    "logging.info(X)",
    "@X\ndef f(): pass",
    "def f[T: X](): pass",
    "type Alias[T = X] = X",
    "class C(X, metaclass=X): pass",
    "match y:\n    case a.b:\n        pass\n    case {'k': [1, *rest]} if X:\n        pass",
    "def g(obj):\n    for k, v in request.json.items():\n        if X:\n            setattr(obj, k, v)",
    "cur.execute(X)",
    "db.users.find(X)",
    "db.users.find_one({'_id': X})",
    "y = f'{X!r:>{X}}'",
    "def h(a=X, *, b: X = X) -> X: pass",
    "with X as (a, b):\n    pass",
    "try:\n    pass\nexcept X as e:\n    return jsonify(str(e))",
    "del X",
    "assert X, X",
    "z = {**X, 'a': [X for q in X if X]}",
    "User(**X)",
    "class User(db.Model):\n    def to_dict(self):\n        return {c.name: getattr(self, c.name) for c in self.__table__.columns if c.name not in X}",
    "class S(Schema):\n    password = fields.Str(X)",
    "x = x.a\nx = X",
    "E = E | X",
    // Authorization and request sources (issue 15): the identity down a chain, role tests,
    // permission decorators, privileged fields, parsers, resolvers, raw SQL lookups.
    "@app.route('/o/<id>')\ndef order(id):\n    return jsonify(Order.query.filter(Order.owner == current_user.X).first())",
    "@app.route('/a/<id>', methods=['POST'])\ndef promote(id):\n    user = User.query.get(id)\n    if not current_user.X:\n        abort(403)\n    user.is_admin = X",
    "@permission_required(X)\n@app.route('/d')\ndef admin():\n    return jsonify(X)",
    "class V(MethodView):\n    decorators = [X]\n    def get(self, id):\n        return jsonify(Post.query.get(id))",
    "parser = reqparse.RequestParser()\nparser.add_argument(X)\nargs = parser.parse_args()\nUser(**args)",
    "class Q(graphene.ObjectType):\n    def resolve_user(self, info, id):\n        return X",
    "@app.route('/s/<id>')\ndef raw(id):\n    return jsonify(cur.execute('SELECT * FROM orders WHERE id = %s', (X,)).fetchall())",
];

/// Bytes that break lexing when spliced in anywhere.
const SPLICES: &[&str] = &[
    "\0", "'", "\"", "'''", "\"\"\"", "\\", "\n", "\r", "(", ")", "[", "]", "{", "}", "#",
    "\u{202e}", "\x1b[2J", "f'", "{{", "}}", ":", "=", "\t", "    ", "é", "\u{feff}", "\\N{", "!r",
    "lambda", "not", "else", "**", "@", "match", "case", "type", "async", "await",
];

/// How deep: mostly around the walk's limit, sometimes deep enough to overflow any recursion
/// with small frames on a 16 MiB stack.
fn depth() -> impl Strategy<Value = usize> {
    prop_oneof![2 => 0..3000usize, 1 => 50_000..300_000usize]
}

/// An expression nested `depth` levels through one kind of link, around a leaf.
fn deep_expression() -> impl Strategy<Value = String> {
    let prefix = (0..LINKS.len(), depth()).prop_map(|(link, depth)| {
        let (open, close) = LINKS[link];
        format!("{}a{}", open.repeat(depth), close.repeat(depth))
    });
    let suffix = (0..SUFFIXES.len(), depth())
        .prop_map(|(link, depth)| format!("a{}", SUFFIXES[link].repeat(depth)));
    let mixed = proptest::collection::vec(0..LINKS.len(), 0..400).prop_map(|links| {
        let (mut open, mut close) = (String::new(), String::new());
        for link in links {
            open.push_str(LINKS[link].0);
            close.insert_str(0, LINKS[link].1);
        }
        format!("{open}request.json{close}")
    });
    prop_oneof![prefix, suffix, mixed]
}

/// A module: statements built from the contexts, with deep expressions, and bytes spliced in.
fn module() -> impl Strategy<Value = String> {
    let statement = (0..CONTEXTS.len(), deep_expression())
        .prop_map(|(context, expr)| CONTEXTS[context].replace('X', &expr));
    let statements = proptest::collection::vec(statement, 1..4);
    // Most modules parse: a splice usually makes the file a syntax error, which ends its walk.
    let splice = (any::<prop::sample::Index>(), 0..SPLICES.len());
    let splices = prop_oneof![
        3 => Just(Vec::new()),
        1 => proptest::collection::vec(splice, 1..4),
    ];
    (statements, splices).prop_map(|(statements, splices)| {
        let mut text = String::from(
            "from flask import Flask, jsonify, request, abort\nfrom .b import *\nimport logging\n\
             app = Flask(__name__)\n",
        );
        for statement in statements {
            text.push_str(&statement);
            text.push('\n');
        }
        for (at, splice) in splices {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, SPLICES[splice]);
        }
        text
    })
}

proptest! {
    #![proptest_config(Config {
        // A failing case is reported with its seed; none is written to the source tree.
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn every_generated_project_ends_with_a_report(a in module(), b in module()) {
        let dir = tempfile::tempdir().unwrap();
        let package = dir.path().join("pkg");
        std::fs::create_dir(&package).unwrap();
        std::fs::write(package.join("__init__.py"), "").unwrap();
        std::fs::write(package.join("a.py"), &a).unwrap();
        std::fs::write(package.join("b.py"), b.replace("from .b import *", "from .a import *")).unwrap();
        std::fs::write(package.join("settings.py"), ORDINARY).unwrap();
        let report = lint_dir(dir.path());
        prop_assert_eq!(codes_in(&report, "settings.py"), vec![Rule::HardcodedSecret.code()]);
        let internal: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::InternalError)
            .map(|d| d.message.as_str())
            .collect();
        prop_assert!(internal.is_empty(), "FC002: {:?}", internal);
    }
}
