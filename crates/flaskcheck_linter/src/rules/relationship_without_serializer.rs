//! FC105 relationship-without-serializer: rules/FC105.md.
//!
//! Which models are serialized is computed once, in the index (`index/serializers.rs`), from the
//! project's facts and from the dicts of fields this rule's `ast` check records. A model
//! gets one finding, at its first relationship, with its other relationships as related
//! locations: the fix (a serializer for the model) is one, however many relationships it has. A
//! model whose only relationships are backrefs declared by other models is reported at the first
//! of those backrefs, in the file that declares it. Each finding has exactly one place, so each
//! file's pass reports only the findings placed in that file.

use flaskcheck_python::ast::{self as ast, Expr, Stmt};
use flaskcheck_python::{Ranged, TextRange};

use super::RuleChecks;
use crate::analyze::{Checker, Node, NodeKinds, Term, TermId, Terms};
use crate::check::ProjectContext;
use crate::index::serializers::FIELD_DICT;
use crate::index::{ClassId, Origin};
use crate::registry::Rule;
use crate::source::FileId;

pub(crate) const CHECKS: RuleChecks = RuleChecks {
    ast: Some(record_field_dicts),
    ast_kinds: NodeKinds::DICT
        .with(NodeKinds::DICT_COMP)
        .with(NodeKinds::CALL)
        .with(NodeKinds::ASSIGN)
        .with(NodeKinds::RETURN),
    project: Some(check),
};

/// Records dicts, tuples and lists built from two or more attributes of one object (`{"id":
/// user.id, "name": user.name}`, `{o.key: o.value for o in opts}`, `dict(id=u.id, name=u.name)`,
/// `dict((o.key, o.value) for o in opts)`,
/// `d[opt.key] = opt.value`, `return self.key, self.value`): the index evaluates the object once every file is known, and counts
/// its class as serialized (`index/serializers.rs`).
fn record_field_dicts(checker: &mut Checker<'_>, node: Node<'_>) {
    let mut attributes: Vec<&Expr> = Vec::new();
    // A generator's loop variable, not bound yet where the generator is passed (`dict((o.key,
    // o.value) for o in options)`): its name and what it iterates.
    let mut loop_variable: Option<(&str, &Expr)> = None;
    match node {
        Node::Expr(Expr::Dict(dict)) => {
            for item in &dict.items {
                attributes.extend(item.key.iter());
                attributes.push(&item.value);
            }
        }
        // `return self.key, self.value` (a tuple or list elsewhere is a key, a comparison or a
        // store: `self.a, self.b = a, b`).
        Node::Stmt(Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        })) => match &**value {
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                attributes.extend(elts.iter());
            }
            _ => return,
        },
        Node::Expr(Expr::DictComp(comp)) => {
            attributes.extend(comp.key.as_deref());
            attributes.push(&comp.value);
        }
        Node::Expr(Expr::Call(call)) => {
            if !matches!(&*call.func, Expr::Name(name) if name.id.as_str() == "dict") {
                return;
            }
            attributes.extend(call.arguments.keywords.iter().map(|k| &k.value));
            // `dict((o.key, o.value) for o in options)`
            let (pairs, generators) = match call.arguments.args.first() {
                Some(Expr::Generator(comp)) => (&*comp.elt, &comp.generators),
                Some(Expr::ListComp(comp)) => (&*comp.elt, &comp.generators),
                _ => return finish(checker, node, attributes, None),
            };
            if let Expr::Tuple(ast::ExprTuple { elts, .. }) = pairs {
                attributes.extend(elts.iter());
            }
            if let [generator] = &generators[..] {
                if let Expr::Name(target) = &generator.target {
                    loop_variable = Some((target.id.as_str(), &generator.iter));
                }
            }
        }
        Node::Stmt(Stmt::Assign(assign)) => {
            let [Expr::Subscript(target)] = &assign.targets[..] else {
                return;
            };
            // `config[conf.key] = value` where `value` was read from `conf.value` before.
            if let (Expr::Attribute(key), Expr::Name(_)) = (&*target.slice, &*assign.value) {
                if matches!(&*key.value, Expr::Name(_)) {
                    let base = checker.term(&key.value);
                    let value = checker.term(&assign.value);
                    if base.is_interesting() && reads_attribute_of(checker.terms(), value, base) {
                        checker.defer(
                            Rule::RelationshipWithoutSerializer,
                            node.range(),
                            vec![base],
                            FIELD_DICT,
                        );
                        return;
                    }
                }
            }
            attributes.push(&target.slice);
            attributes.push(&assign.value);
        }
        _ => return,
    }
    finish(checker, node, attributes, loop_variable);
}

/// Records, for each object two or more attributes are picked from, its term and the names.
fn finish(
    checker: &mut Checker<'_>,
    node: Node<'_>,
    attributes: Vec<&Expr>,
    loop_variable: Option<(&str, &Expr)>,
) {
    // (the object, the attribute read from it)
    let mut picks: Vec<(&Expr, &str)> = Vec::new();
    for expr in attributes {
        collect_picks(expr, &mut picks, 3);
    }
    if picks.len() < 2 {
        return;
    }
    let mut recorded: Vec<&str> = Vec::new();
    for &(base, _) in &picks {
        let text = checker.source(base.range());
        if recorded.contains(&text) {
            continue;
        }
        let mut names: Vec<&str> = picks
            .iter()
            .filter(|(other, _)| checker.source(other.range()) == text)
            .map(|&(_, name)| name)
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.len() < 2 {
            continue;
        }
        recorded.push(text);
        let term = match loop_variable {
            Some((name, iter)) if name == text => {
                let iterable = checker.term(iter);
                checker.facts.terms.element(iterable)
            }
            _ => checker.term(base),
        };
        checker.defer(
            Rule::RelationshipWithoutSerializer,
            node.range(),
            vec![term],
            format!("{FIELD_DICT}{}", names.join(",")),
        );
    }
}

/// The attributes an item of a serialized literal reads: `user.name`, and through the usual
/// wrappers `str(user.id)`, `user.created.isoformat()`, `user.bio or ""`,
/// `"" if owner is None else owner.resolver`.
fn collect_picks<'e>(expr: &'e Expr, picks: &mut Vec<(&'e Expr, &'e str)>, budget: u32) {
    if budget == 0 {
        return;
    }
    match expr {
        Expr::Attribute(attr) if matches!(&*attr.value, Expr::Name(_) | Expr::Attribute(_)) => {
            picks.push((&*attr.value, attr.attr.id.as_str()));
        }
        Expr::Call(call) => match &*call.func {
            // `user.created.isoformat()`
            Expr::Attribute(method) if matches!(&*method.value, Expr::Attribute(_)) => {
                collect_picks(&method.value, picks, budget - 1);
            }
            // `str(user.id)`
            Expr::Name(_) if call.arguments.args.len() == 1 => {
                collect_picks(&call.arguments.args[0], picks, budget - 1);
            }
            _ => {}
        },
        Expr::If(if_exp) => {
            collect_picks(&if_exp.body, picks, budget - 1);
            collect_picks(&if_exp.orelse, picks, budget - 1);
        }
        Expr::BoolOp(bool_op) => {
            for value in &bool_op.values {
                collect_picks(value, picks, budget - 1);
            }
        }
        _ => {}
    }
}

/// A relationship attribute of a model and where it is declared.
struct Site {
    name: String,
    file: FileId,
    range: TextRange,
    /// Declared by another model's `backref=`: that model and its relationship.
    backref_of: Option<(String, String)>,
}

/// Whether `term` is (one of the values) `base.attribute`, possibly transformed by a call.
fn reads_attribute_of(terms: &Terms, term: TermId, base: TermId) -> bool {
    match terms.get(term) {
        Term::Attr(inner, _) => *inner == base,
        Term::Union(items) => items.iter().any(|&item| match terms.get(item) {
            Term::Attr(inner, _) => *inner == base,
            Term::Call(call) => call
                .args
                .iter()
                .any(|&arg| matches!(terms.get(arg), Term::Attr(inner, _) if *inner == base)),
            _ => false,
        }),
        _ => false,
    }
}

fn check(ctx: &mut ProjectContext<'_, '_, '_>) {
    let file = ctx.file_id();
    let Some(facts) = ctx.index.facts(file) else {
        return;
    };
    let serialization = ctx.index.serialization();
    if !serialization.serializes_models() || serialization.is_migration(file) {
        return;
    }
    // The models whose finding may be placed in this file: those declared here, and the targets
    // of backrefs declared here.
    let mut candidates: Vec<ClassId> = Vec::new();
    for local in 0..facts.classes.len() {
        let id = ctx.index.class_id(file, local as u32);
        if facts.classes[local].relationships.is_empty() {
            continue;
        }
        candidates.push(id);
    }
    for local in 0..facts.classes.len() {
        let id = ctx.index.class_id(file, local as u32);
        for relationship in &facts.classes[local].relationships {
            if relationship.backref.is_none() {
                continue;
            }
            if let Some(resolved) = ctx.index.relationship(id, relationship.name.as_str()) {
                if let Some(target) = resolved.target {
                    if !candidates.contains(&target) {
                        candidates.push(target);
                    }
                }
            }
        }
    }
    candidates.sort_unstable();
    for model in candidates {
        if !ctx.index.is_model(model)
            || serialization.is_serialized(model)
            || serialization.is_migration(ctx.index.class_file(model))
        {
            continue;
        }
        let sites = sites(ctx, model);
        let Some(first) = sites.first() else { continue };
        if first.file != file {
            continue;
        }
        let name = ctx.index.class(model).name.to_string();
        let names: Vec<String> = sites
            .iter()
            .map(|site| match &site.backref_of {
                Some((class, relationship)) => {
                    format!("`{}` (the backref of `{class}.{relationship}`)", site.name)
                }
                None => format!("`{}`", site.name),
            })
            .collect();
        let (noun, list) = if names.len() == 1 {
            ("relationship", names[0].clone())
        } else {
            ("relationships", names.join(", "))
        };
        let message = format!(
            "`{name}` has {noun} {list} but nothing in the project serializes it: no serializer method, no schema for it"
        );
        let related: Vec<_> = sites[1..]
            .iter()
            .map(|site| {
                ctx.related(
                    Origin {
                        file: site.file,
                        range: site.range,
                    },
                    format!("relationship `{}`", site.name),
                )
            })
            .collect();
        let range = first.range;
        let diagnostic = ctx.report(range, message);
        diagnostic.help = Some(format!(
            "add a schema (`{name}Schema` with the fields to return) or a `to_dict()` that names them; a generic serializer would follow the relationships into every related row"
        ));
        diagnostic.related.extend(related);
    }
}

/// The model's relationship attributes: the ones it declares, in order, then backrefs declared
/// by other models, by file and position.
fn sites(ctx: &ProjectContext<'_, '_, '_>, model: ClassId) -> Vec<Site> {
    let class_file = ctx.index.class_file(model);
    let declared = ctx.index.declared_relationships(model);
    let mut sites: Vec<Site> = declared
        .iter()
        .map(|relationship| Site {
            name: relationship.name.to_string(),
            file: class_file,
            range: relationship.range,
            backref_of: None,
        })
        .collect();
    let mut backrefs: Vec<Site> = ctx
        .index
        .relationships_of(model)
        .iter()
        .filter(|resolved| {
            let declared_here = resolved.file == class_file
                && declared
                    .iter()
                    .any(|relationship| relationship.range == resolved.range);
            !declared_here && !ctx.index.serialization().is_migration(resolved.file)
        })
        .map(|resolved| Site {
            name: resolved.name.to_string(),
            file: resolved.file,
            range: resolved.range,
            backref_of: resolved.target.map(|source| {
                let declaring = ctx.index.class(source);
                let relationship = declaring
                    .relationships
                    .iter()
                    .find(|r| r.range == resolved.range)
                    .map_or_else(String::new, |r| r.name.to_string());
                (declaring.name.to_string(), relationship)
            }),
        })
        .collect();
    backrefs.sort_by_key(|site| (site.file, site.range.start()));
    sites.extend(backrefs);
    sites
}
