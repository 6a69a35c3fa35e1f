//! Which nodes a rule's `ast` check wants. The file pass calls a check only on those kinds, so a
//! rule about calls costs nothing on the names, strings and statements of a file.

use flaskcheck_python::ast::{Expr, Stmt};

use super::Node;

/// A set of statement and expression kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeKinds(u64);

macro_rules! kinds {
    ($($name:ident = $bit:expr,)*) => {
        impl NodeKinds {
            $(pub const $name: NodeKinds = NodeKinds(1 << $bit);)*
        }
    };
}

kinds! {
    FUNCTION_DEF = 0,
    CLASS_DEF = 1,
    RETURN = 2,
    DELETE = 3,
    ASSIGN = 4,
    AUG_ASSIGN = 5,
    ANN_ASSIGN = 6,
    FOR = 7,
    WHILE = 8,
    IF = 9,
    WITH = 10,
    MATCH = 11,
    RAISE = 12,
    TRY = 13,
    ASSERT = 14,
    IMPORT = 15,
    IMPORT_FROM = 16,
    EXPR_STMT = 17,
    OTHER_STMT = 18,
    BOOL_OP = 24,
    NAMED = 25,
    BIN_OP = 26,
    UNARY_OP = 27,
    LAMBDA = 28,
    IF_EXP = 29,
    DICT = 30,
    SET = 31,
    LIST_COMP = 32,
    SET_COMP = 33,
    DICT_COMP = 34,
    GENERATOR = 35,
    AWAIT = 36,
    YIELD = 37,
    COMPARE = 38,
    CALL = 39,
    FSTRING = 40,
    STRING_LITERAL = 41,
    BYTES_LITERAL = 42,
    NUMBER_LITERAL = 43,
    BOOLEAN_LITERAL = 44,
    NONE_LITERAL = 45,
    ATTRIBUTE = 46,
    SUBSCRIPT = 47,
    STARRED = 48,
    NAME = 49,
    LIST = 50,
    TUPLE = 51,
    OTHER_EXPR = 52,
}

impl NodeKinds {
    pub const NONE: NodeKinds = NodeKinds(0);
    pub const ALL: NodeKinds = NodeKinds(u64::MAX);
    /// String literals and f-strings.
    pub const STRINGS: NodeKinds = NodeKinds::STRING_LITERAL.with(NodeKinds::FSTRING);
    /// Every assignment statement.
    pub const ASSIGNMENTS: NodeKinds = NodeKinds::ASSIGN
        .with(NodeKinds::AUG_ASSIGN)
        .with(NodeKinds::ANN_ASSIGN);

    pub const fn with(self, other: NodeKinds) -> NodeKinds {
        NodeKinds(self.0 | other.0)
    }

    pub fn contains(self, node: Node<'_>) -> bool {
        self.contains_kinds(NodeKinds::of(node))
    }

    /// The bit of a single kind (as [`NodeKinds::of`] returns).
    pub fn bit(self) -> usize {
        self.0.trailing_zeros() as usize
    }

    pub fn contains_bit(self, bit: usize) -> bool {
        self.0 & (1 << bit) != 0
    }

    /// Whether the sets share a kind.
    pub fn contains_kinds(self, other: NodeKinds) -> bool {
        self.0 & other.0 != 0
    }

    pub fn of(node: Node<'_>) -> NodeKinds {
        match node {
            Node::Stmt(stmt) => match stmt {
                Stmt::FunctionDef(_) => NodeKinds::FUNCTION_DEF,
                Stmt::ClassDef(_) => NodeKinds::CLASS_DEF,
                Stmt::Return(_) => NodeKinds::RETURN,
                Stmt::Delete(_) => NodeKinds::DELETE,
                Stmt::Assign(_) => NodeKinds::ASSIGN,
                Stmt::AugAssign(_) => NodeKinds::AUG_ASSIGN,
                Stmt::AnnAssign(_) => NodeKinds::ANN_ASSIGN,
                Stmt::For(_) => NodeKinds::FOR,
                Stmt::While(_) => NodeKinds::WHILE,
                Stmt::If(_) => NodeKinds::IF,
                Stmt::With(_) => NodeKinds::WITH,
                Stmt::Match(_) => NodeKinds::MATCH,
                Stmt::Raise(_) => NodeKinds::RAISE,
                Stmt::Try(_) => NodeKinds::TRY,
                Stmt::Assert(_) => NodeKinds::ASSERT,
                Stmt::Import(_) => NodeKinds::IMPORT,
                Stmt::ImportFrom(_) => NodeKinds::IMPORT_FROM,
                Stmt::Expr(_) => NodeKinds::EXPR_STMT,
                _ => NodeKinds::OTHER_STMT,
            },
            Node::Expr(expr) => match expr {
                Expr::BoolOp(_) => NodeKinds::BOOL_OP,
                Expr::Named(_) => NodeKinds::NAMED,
                Expr::BinOp(_) => NodeKinds::BIN_OP,
                Expr::UnaryOp(_) => NodeKinds::UNARY_OP,
                Expr::Lambda(_) => NodeKinds::LAMBDA,
                Expr::If(_) => NodeKinds::IF_EXP,
                Expr::Dict(_) => NodeKinds::DICT,
                Expr::Set(_) => NodeKinds::SET,
                Expr::ListComp(_) => NodeKinds::LIST_COMP,
                Expr::SetComp(_) => NodeKinds::SET_COMP,
                Expr::DictComp(_) => NodeKinds::DICT_COMP,
                Expr::Generator(_) => NodeKinds::GENERATOR,
                Expr::Await(_) => NodeKinds::AWAIT,
                Expr::Yield(_) | Expr::YieldFrom(_) => NodeKinds::YIELD,
                Expr::Compare(_) => NodeKinds::COMPARE,
                Expr::Call(_) => NodeKinds::CALL,
                Expr::FString(_) => NodeKinds::FSTRING,
                Expr::StringLiteral(_) => NodeKinds::STRING_LITERAL,
                Expr::BytesLiteral(_) => NodeKinds::BYTES_LITERAL,
                Expr::NumberLiteral(_) => NodeKinds::NUMBER_LITERAL,
                Expr::BooleanLiteral(_) => NodeKinds::BOOLEAN_LITERAL,
                Expr::NoneLiteral(_) => NodeKinds::NONE_LITERAL,
                Expr::Attribute(_) => NodeKinds::ATTRIBUTE,
                Expr::Subscript(_) => NodeKinds::SUBSCRIPT,
                Expr::Starred(_) => NodeKinds::STARRED,
                Expr::Name(_) => NodeKinds::NAME,
                Expr::List(_) => NodeKinds::LIST,
                Expr::Tuple(_) => NodeKinds::TUPLE,
                _ => NodeKinds::OTHER_EXPR,
            },
        }
    }
}
