//! The macros that turn op-table rows into enums (see `mod.rs`).

/// The operand slot a binary derivative names: `a` is the first operand, `b` the second.
macro_rules! operand_slot {
    (a) => {
        0
    };
    (b) => {
        1
    };
}

/// `ResultDtype` of a row's `same`/`float`.
macro_rules! result_dtype {
    (same) => {
        $crate::op_table::ResultDtype::Same
    };
    (float) => {
        $crate::op_table::ResultDtype::Float
    };
}

/// `SavedValue` of a unary row's `nothing()`/`input(x)`/`output(y)`.
macro_rules! saved_value {
    (nothing) => {
        $crate::op_table::SavedValue::Nothing
    };
    (input) => {
        $crate::op_table::SavedValue::Input
    };
    (output) => {
        $crate::op_table::SavedValue::Output
    };
}

/// One input's derivative in a binary row: `{ [a, b] |g| expr }` (the operands it reads, bound
/// by name) or `{ none }` (the input gets no gradient).
macro_rules! binary_derivative {
    ({ none }, $g:ident, $saved:ident) => {{
        let _ = ($g, $saved);
        Err($crate::error::Error::Autograd(
            "internal error: a derivative was asked of an input that has none".into(),
        ))
    }};
    ({ [$($uses:ident),*] |$gname:ident| $expr:expr }, $g:ident, $saved:ident) => {{
        let $gname = $g;
        $( let $uses = $saved[operand_slot!($uses)].ok_or_else($crate::op_table::missing)?; )*
        $expr
    }};
}

/// The operands one binary derivative reads (`[reads a, reads b]`).
macro_rules! binary_reads {
    ({ none }) => {
        [false, false]
    };
    ({ [$($uses:ident),*] |$gname:ident| $expr:expr }) => {{
        #[allow(unused_mut)]
        let mut reads = [false, false];
        $( reads[operand_slot!($uses)] = true; )*
        reads
    }};
}

macro_rules! binary_differentiable {
    ({ none }) => {
        false
    };
    ({ $($rule:tt)* }) => {
        true
    };
}

/// The `Tensor` method of a binary row (none for a `(picked)` row: a hand-written method of
/// that name picks it).
macro_rules! binary_method {
    ([picked] $($rest:tt)*) => {};
    ([] $method:ident $variant:ident, $doc:expr) => {
        #[doc = $doc]
        pub fn $method(
            &self,
            other: &$crate::tensor::Tensor,
        ) -> $crate::error::Result<$crate::tensor::Tensor> {
            self.binary(Binary::$variant, other)
        }
    };
}

/// The name a binary row answers to in `Binary::from_name`; a `(picked)` row gets one no
/// caller can pass (`#Variant`).
macro_rules! binary_method_name {
    ([picked] $method:ident $variant:ident) => {
        concat!("#", stringify!($variant))
    };
    ([] $method:ident $variant:ident) => {
        stringify!($method)
    };
}
