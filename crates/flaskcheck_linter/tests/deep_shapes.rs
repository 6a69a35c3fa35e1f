//! Source shaped to crash or hang a linter: trees nested far deeper than any stack allows, in
//! every position the walk and the rules' own helpers reach, and project structures that are
//! quadratic to follow. Each shape is generated here (a megabyte or two), linted with every rule
//! through [`lint`] (whose workers have the stacks the command line gives them) next to an
//! ordinary file, and must end with FC000 for that file (or no finding, for valid code the
//! analysis can follow) while the ordinary file is still analysed.
//!
//! How long each shape takes is measured by `scripts/bench` (its "hostile shapes" group), not
//! here.

mod common;

use common::{codes_in, lint_dir, ORDINARY};
use flaskcheck_linter::Rule;

/// Lints `source` as `hostile.py` beside an ordinary file; returns the codes found in it.
fn lint_shape(source: &str) -> Vec<&'static str> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hostile.py"), source).unwrap();
    std::fs::write(dir.path().join("settings.py"), ORDINARY).unwrap();
    let report = lint_dir(dir.path());
    assert_eq!(
        codes_in(&report, "settings.py"),
        [Rule::HardcodedSecret.code()],
        "the ordinary file is analysed"
    );
    codes_in(&report, "hostile.py")
}

fn assert_too_deep(source: &str) {
    let codes = lint_shape(source);
    assert!(
        codes.contains(&Rule::SyntaxError.code()),
        "expected FC000, got {codes:?}"
    );
}

const VIEW: &str = "from flask import Flask\nfrom models import Post\napp = Flask(__name__)\n\n\
                    @app.route(\"/posts/<post_id>\")\ndef show(post_id):\n";

fn sum(terms: usize, term: &str) -> String {
    vec![term; terms].join(" + ")
}

macro_rules! shapes {
    ($($name:ident: $source:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_too_deep(&$source);
        }
    )*};
}

shapes! {
    // FC504 follows the branches of a conditional expression.
    conditional_chain_in_a_secret: format!("SECRET_KEY = {}a\n", "a if b else ".repeat(120_000));
    // FC301 looks for the current user in an `if` of a view, and for keys in a `filter`.
    sum_in_a_views_if: format!(
        "{VIEW}    post = Post.query.get(post_id)\n    if {}:\n        pass\n    return 'ok'\n",
        sum(300_000, "a")
    );
    sum_in_a_filter: format!("{VIEW}    return Post.query.filter({}).first()\n", sum(300_000, "a"));
    // FC502 collects the values a log call formats.
    sum_in_a_log_call: format!("import logging\nlogging.info({})\n", sum(300_000, "a"));
    // FC106 reads the condition of a `to_dict` column loop.
    sum_in_a_column_loop: format!(
        "class User(db.Model):\n    def to_dict(self):\n        return {{c.name: getattr(self, c.name) \
         for c in self.__table__.columns if c.name not in ({})}}\n",
        sum(300_000, "'a'")
    );
    // FC201 reads the guard around a `setattr` loop.
    negations_guarding_setattr: format!(
        "from flask import request\nALLOWED = ['a']\ndef f(obj):\n    for k, v in request.json.items():\n        \
         if {}k in ALLOWED:\n            setattr(obj, k, v)\n",
        "not ".repeat(500_000)
    );
    // FC301 and FC202 follow the identity down a chain of attributes (`current_user.org.id`),
    // and read the decorators of a view for a permission check.
    identity_chain_in_a_filter: format!(
        "{VIEW}    return Post.query.filter(Post.owner == current_user{}).first()\n",
        ".a".repeat(300_000)
    );
    identity_chain_in_a_role_test: format!(
        "{VIEW}    if not current_user{}:\n        abort(403)\n    return 'ok'\n",
        "[0]".repeat(300_000)
    );
    sum_in_a_permission_decorator: format!(
        "@permission_required({})\n{VIEW}    return 'ok'\n",
        sum(300_000, "a")
    );
    // Nodes the walk once skipped: a type parameter's bound, a match value pattern.
    type_parameter_bound: format!("def f[T: {}1](): pass\n", "-".repeat(300_000));
    type_parameter_default: format!("def f[T = {}](): pass\n", sum(300_000, "a"));
    type_alias_parameters: format!("type X[T: {}] = int\n", sum(300_000, "a"));
    class_type_parameters: format!("class C[T: {}]: pass\n", sum(300_000, "a"));
    match_value_pattern: format!("match x:\n    case a{}:\n        pass\n", ".b".repeat(600_000));
    match_class_pattern: format!("match x:\n    case a{}():\n        pass\n", ".b".repeat(600_000));
    match_mapping_key: format!("match x:\n    case {{a{}: 1}}:\n        pass\n", ".b".repeat(600_000));
    match_guard: format!("match x:\n    case 1 if {}:\n        pass\n", sum(300_000, "a"));
    fstring_interpolation: format!("x = f'{{{}}}'\n", sum(300_000, "a"));
    decorator: format!("@{}\ndef f(): pass\n", ".b".repeat(600_000).replacen('.', "a.", 1));
    annotation: format!("def f(x: {}) -> None: pass\n", sum(300_000, "a"));
    return_annotation: format!("def f() -> {}: pass\n", sum(300_000, "a"));
    lambda_default: format!("f = lambda x={}: x\n", sum(300_000, "a"));
    class_keyword: format!("class C(metaclass={}): pass\n", sum(300_000, "a"));
    except_type: format!("try:\n    pass\nexcept {}:\n    pass\n", sum(300_000, "a"));
    with_item: format!("with {}:\n    pass\n", sum(300_000, "a"));
    delete_target: format!("del a{}\n", "[0]".repeat(400_000));
    assignment_target: format!("a{} = 1\n", ".b".repeat(600_000));
    call_chain_in_a_lookup: format!(
        "{VIEW}    return Post.query.filter_by(id=post_id){}\n",
        ".first()".repeat(150_000)
    );
    subscript_chain_in_a_lookup: format!(
        "{VIEW}    return Post.query.filter_by(id=post_id){}.first()\n",
        "[0]".repeat(130_000)
    );
    brackets: format!("x = {}\n", "(".repeat(8_000_000));
    nested_fstrings: format!("x = {}1{}\n", "f'{".repeat(40_000), "}'".repeat(40_000));
    prefix_operators: format!("x = {}1\n", "-".repeat(2_000_000));
    nul_byte_in_a_string: String::from("x = 'a\0b'\n");
}

/// Valid code whose project structure is long: the analysis follows it as far as its bounds
/// allow, and reports nothing.
macro_rules! long_structures {
    ($($name:ident: $source:expr;)*) => {$(
        #[test]
        fn $name() {
            let codes = lint_shape(&$source);
            assert!(codes.is_empty(), "{codes:?}");
        }
    )*};
}

long_structures! {
    // Each class's base is defined after it: classifying the first follows the whole chain.
    class_chain_defined_backwards: (0..100_000)
        .map(|i| format!("class A{i}(A{}): pass\n", i + 1))
        .collect::<String>();
    class_chain: std::iter::once("class A0: pass\n".to_string())
        .chain((1..100_000).map(|i| format!("class A{i}(A{}): pass\n", i - 1)))
        .collect::<String>();
    // `x` is rebound to a longer attribute chain 100,000 times.
    rebinding_chain: format!(
        "from flask import request, jsonify\nx = request\n{}def v():\n    return jsonify(x)\n",
        "x = x.a\n".repeat(100_000)
    );
    union_chain: format!(
        "E = ValueError\n{}",
        "E = E | KeyError\n".repeat(100_000)
    );
    many_globals: (0..200_000).map(|i| format!("G{i} = {i}\n")).collect::<String>();
}
