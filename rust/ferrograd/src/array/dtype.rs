//! Element types and PyTorch's type-promotion rules.

use std::fmt;

/// The element type of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    Int32,
    Int64,
    Float32,
    Float64,
}

/// Promotion category: a higher category wins regardless of width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Bool,
    Integer,
    Floating,
}

impl DType {
    pub const DEFAULT_FLOAT: DType = DType::Float32;
    pub const DEFAULT_INT: DType = DType::Int64;

    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int32 => "int32",
            DType::Int64 => "int64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
        }
    }

    pub fn from_name(name: &str) -> Option<DType> {
        Some(match name {
            "bool" => DType::Bool,
            "int32" | "int" => DType::Int32,
            "int64" | "long" => DType::Int64,
            "float32" | "float" => DType::Float32,
            "float64" | "double" => DType::Float64,
            _ => return None,
        })
    }

    pub fn category(self) -> Category {
        match self {
            DType::Bool => Category::Bool,
            DType::Int32 | DType::Int64 => Category::Integer,
            DType::Float32 | DType::Float64 => Category::Floating,
        }
    }

    pub fn is_floating(self) -> bool {
        self.category() == Category::Floating
    }

    pub fn size_in_bytes(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::Int32 | DType::Float32 => 4,
            DType::Int64 | DType::Float64 => 8,
        }
    }

    /// Promotion of two dtypes of the same "priority" (both dimensioned tensors, or both 0-d).
    pub fn promote(a: DType, b: DType) -> DType {
        a.max(b)
    }

    /// PyTorch's `result_type` for two tensor operands: a 0-d tensor only takes part in the
    /// result dtype when its category is higher than the dimensioned operand's.
    pub fn result_type(a: DType, a_is_scalar: bool, b: DType, b_is_scalar: bool) -> DType {
        match (a_is_scalar, b_is_scalar) {
            (true, false) if a.category() <= b.category() => b,
            (false, true) if b.category() <= a.category() => a,
            _ => DType::promote(a, b),
        }
    }

    /// The dtype a Python number of `category` takes next to a tensor of dtype `self`
    /// (`int tensor + 1.5` gives the default float; `float32 tensor + 2.0` stays float32).
    pub fn with_python_scalar(self, category: Category) -> DType {
        if category <= self.category() {
            self
        } else {
            match category {
                Category::Floating => DType::DEFAULT_FLOAT,
                Category::Integer => DType::DEFAULT_INT,
                Category::Bool => DType::Bool,
            }
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
