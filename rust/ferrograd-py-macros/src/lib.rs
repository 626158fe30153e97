//! `#[catch_panics]`: put on a `#[pyfunction]` or a `#[pymethods]` block of the ferrograd
//! binding (above PyO3's attribute), it runs each function's body under
//! `crate::errors::guard`, which catches a Rust panic and returns it as a Python
//! `RuntimeError` that says it is a bug (or `MemoryError` for an allocation that failed).
//!
//! PyO3 would turn the panic into `pyo3_runtime.PanicException`, a `BaseException` that
//! `except Exception` does not catch. A function whose return type is not a `Result` gets
//! `PyResult<T>` instead of `T`, which PyO3 accepts in every position (methods, getters,
//! `#[new]`, slots), so every entry point can raise. The garbage-collector slots
//! `__traverse__` and `__clear__` are left as they are: they cannot raise, and PyO3 keeps a
//! panic there from unwinding into CPython.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::ToTokens;
use syn::{parse_macro_input, parse_quote, Block, ImplItem, Item, ReturnType, Signature, Type};

#[proc_macro_attribute]
pub fn catch_panics(args: TokenStream, input: TokenStream) -> TokenStream {
    if !args.is_empty() {
        let args = TokenStream2::from(args);
        return syn::Error::new_spanned(args, "#[catch_panics] takes no arguments")
            .to_compile_error()
            .into();
    }
    let mut item = parse_macro_input!(input as Item);
    match &mut item {
        Item::Fn(f) => guard(&mut f.sig, &mut f.block),
        Item::Impl(block) => {
            for member in &mut block.items {
                if let ImplItem::Fn(f) = member {
                    if !matches!(
                        f.sig.ident.to_string().as_str(),
                        "__traverse__" | "__clear__"
                    ) {
                        guard(&mut f.sig, &mut f.block);
                    }
                }
            }
        }
        other => {
            return syn::Error::new_spanned(
                other,
                "#[catch_panics] goes on a #[pyfunction] fn or a #[pymethods] impl block",
            )
            .to_compile_error()
            .into()
        }
    }
    item.into_token_stream().into()
}

/// True for `Result<..>` and `PyResult<..>` (however qualified): the body's errors pass
/// through, and a panic becomes one more error.
fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Result" || s.ident == "PyResult"),
        _ => false,
    }
}

/// Rewrites `fn f(..) -> T { body }` to run `body` in a closure under the guard: `guard` for
/// a `Result`, `guard_value` (which wraps the value in `Ok`) for anything else.
fn guard(sig: &mut Signature, block: &mut Block) {
    let body = &block;
    let new_body: Block = match &sig.output {
        ReturnType::Type(_, ty) if is_result(ty) => parse_quote!({
            crate::errors::guard(|| -> #ty #body)
        }),
        ReturnType::Type(_, ty) => {
            let ty = ty.clone();
            let wrapped: Block = parse_quote!({
                crate::errors::guard_value(|| -> #ty #body)
            });
            sig.output = parse_quote!(-> ::pyo3::PyResult<#ty>);
            wrapped
        }
        ReturnType::Default => {
            let wrapped: Block = parse_quote!({
                crate::errors::guard_value(|| -> () #body)
            });
            sig.output = parse_quote!(-> ::pyo3::PyResult<()>);
            wrapped
        }
    };
    *block = new_body;
}
