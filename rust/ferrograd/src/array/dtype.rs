//! Element types and PyTorch's type-promotion rules.

use std::fmt;

/// The element type of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// `bool`: `true`/`false`, one byte each.
    Bool,
    /// `uint8` (`u8`).
    UInt8,
    /// `int8` (`i8`).
    Int8,
    /// `int16` (`i16`).
    Int16,
    /// `int32` (`i32`).
    Int32,
    /// `int64` (`i64`): the default integer dtype.
    Int64,
    /// IEEE half precision (`half::f16`).
    Float16,
    /// The upper half of a float32 (`half::bf16`): float32's range, 8 bits of mantissa.
    BFloat16,
    /// `float32` (`f32`): the default floating dtype.
    Float32,
    /// `float64` (`f64`).
    Float64,
}

/// Promotion category: a higher category wins regardless of width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Booleans.
    Bool,
    /// Signed and unsigned integers.
    Integer,
    /// Floating point, of any width.
    Floating,
}

impl DType {
    /// The dtype of floating results made from integers or numbers (PyTorch's default, `float32`).
    pub const DEFAULT_FLOAT: DType = DType::Float32;
    /// The dtype of integer tensors made from Rust or Python integers (`int64`).
    pub const DEFAULT_INT: DType = DType::Int64;

    /// PyTorch's name without the `torch.` prefix (`"float32"`, `"int64"`, ...); `Display` prints it.
    ///
    /// ```
    /// assert_eq!(ferrograd::DType::Float32.name(), "float32");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::UInt8 => "uint8",
            DType::Int8 => "int8",
            DType::Int16 => "int16",
            DType::Int32 => "int32",
            DType::Int64 => "int64",
            DType::Float16 => "float16",
            DType::BFloat16 => "bfloat16",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
        }
    }

    /// PyTorch's name of the dtype in messages (its `ScalarType`): `Byte`, `Half`, `Float`, ...
    pub fn scalar_type_name(self) -> &'static str {
        match self {
            DType::Bool => "Bool",
            DType::UInt8 => "Byte",
            DType::Int8 => "Char",
            DType::Int16 => "Short",
            DType::Int32 => "Int",
            DType::Int64 => "Long",
            DType::Float16 => "Half",
            DType::BFloat16 => "BFloat16",
            DType::Float32 => "Float",
            DType::Float64 => "Double",
        }
    }

    /// The dtype named `name` (as `name` spells it, or an alias PyTorch accepts such as `"float"` or
    /// `"long"`), or `None`.
    pub fn from_name(name: &str) -> Option<DType> {
        Some(match name {
            "bool" => DType::Bool,
            "uint8" => DType::UInt8,
            "int8" => DType::Int8,
            "int16" | "short" => DType::Int16,
            "int32" | "int" => DType::Int32,
            "int64" | "long" => DType::Int64,
            "float16" | "half" => DType::Float16,
            "bfloat16" => DType::BFloat16,
            "float32" | "float" => DType::Float32,
            "float64" | "double" => DType::Float64,
            _ => return None,
        })
    }

    /// Which promotion category the dtype is in.
    pub fn category(self) -> Category {
        match self {
            DType::Bool => Category::Bool,
            DType::UInt8 | DType::Int8 | DType::Int16 | DType::Int32 | DType::Int64 => {
                Category::Integer
            }
            DType::Float16 | DType::BFloat16 | DType::Float32 | DType::Float64 => {
                Category::Floating
            }
        }
    }

    /// Every dtype, in PyTorch's order of promotion within a category.
    pub const ALL: [DType; 10] = [
        DType::Bool,
        DType::UInt8,
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::Float16,
        DType::BFloat16,
        DType::Float32,
        DType::Float64,
    ];

    /// float16 and bfloat16: stored in 16 bits, computed in float32 (see `compute_dtype`).
    pub fn is_reduced_float(self) -> bool {
        matches!(self, DType::Float16 | DType::BFloat16)
    }

    /// The dtype the kernels compute this one in (PyTorch's "opmath" type): float32 for the
    /// 16-bit floats, whose results are rounded back; every other dtype computes in itself.
    pub fn compute_dtype(self) -> DType {
        if self.is_reduced_float() {
            DType::Float32
        } else {
            self
        }
    }

    /// The smallest and largest value of an integer dtype (`None` for the others).
    pub fn integer_range(self) -> Option<(f64, f64)> {
        Some(match self {
            DType::UInt8 => (0.0, u8::MAX as f64),
            DType::Int8 => (i8::MIN as f64, i8::MAX as f64),
            DType::Int16 => (i16::MIN as f64, i16::MAX as f64),
            DType::Int32 => (i32::MIN as f64, i32::MAX as f64),
            DType::Int64 => (i64::MIN as f64, i64::MAX as f64),
            _ => return None,
        })
    }

    /// Whether the dtype holds negative values (every dtype but `bool` and `uint8`).
    pub fn is_signed(self) -> bool {
        !matches!(self, DType::Bool | DType::UInt8)
    }

    /// Whether the dtype is a floating dtype (`float16`, `bfloat16`, `float32`, `float64`).
    pub fn is_floating(self) -> bool {
        self.category() == Category::Floating
    }

    /// The size of one element in bytes.
    pub fn size_in_bytes(self) -> usize {
        match self {
            DType::Bool | DType::UInt8 | DType::Int8 => 1,
            DType::Int16 | DType::Float16 | DType::BFloat16 => 2,
            DType::Int32 | DType::Float32 => 4,
            DType::Int64 | DType::Float64 => 8,
        }
    }

    /// Promotion of two dtypes of the same "priority" (both dimensioned tensors, or both 0-d):
    /// PyTorch's `promote_types`. The higher category wins; within one, the wider dtype, except
    /// that uint8 with int8 needs int16 and float16 with bfloat16 needs float32 (neither holds
    /// the other's values).
    pub fn promote(a: DType, b: DType) -> DType {
        use DType::*;
        match (a, b) {
            _ if a == b => a,
            _ if a.category() != b.category() => {
                if a.category() > b.category() {
                    a
                } else {
                    b
                }
            }
            (UInt8, Int8) | (Int8, UInt8) => Int16,
            (Float16, BFloat16) | (BFloat16, Float16) => Float32,
            _ => a.max(b),
        }
    }

    /// PyTorch's `result_type` for two tensor operands: a 0-d tensor only takes part in the
    /// result dtype when its category is higher than the dimensioned operand's.
    pub fn result_type(a: DType, a_is_scalar: bool, b: DType, b_is_scalar: bool) -> DType {
        if a == b {
            return a;
        }
        let priority = |zero_dim: bool| match zero_dim {
            true => Priority::ZeroDim,
            false => Priority::Dimensioned,
        };
        DType::result_type_of([(a, priority(a_is_scalar)), (b, priority(b_is_scalar))]).unwrap_or(a)
    }

    /// PyTorch's `result_type` of any operands: the operands of each priority are promoted
    /// together; then a lower priority's dtype counts only where it raises the category (or
    /// next to bool), so `uint8_tensor + 1000` stays uint8 and `int_tensor + half_tensor_0d`
    /// is float16. `None` for no operands.
    pub fn result_type_of(operands: impl IntoIterator<Item = (DType, Priority)>) -> Option<DType> {
        let mut levels: [Option<DType>; 3] = [None; 3];
        for (dtype, priority) in operands {
            let level = &mut levels[priority as usize];
            *level = Some(level.map_or(dtype, |d| DType::promote(d, dtype)));
        }
        let [dimensioned, zero_dim, number] = levels;
        combine(dimensioned, combine(zero_dim, number))
    }

    /// The dtype a Python number of `category` takes next to a tensor of dtype `self`
    /// (`int tensor + 1.5` gives the default float; `float32 tensor + 2.0` stays float32).
    pub fn with_python_scalar(self, category: Category) -> DType {
        let number = match category {
            Category::Floating => DType::DEFAULT_FLOAT,
            Category::Integer => DType::DEFAULT_INT,
            Category::Bool => DType::Bool,
        };
        DType::result_type_of([(self, Priority::Dimensioned), (number, Priority::Number)])
            .unwrap_or(self)
    }
}

/// How an operand takes part in `DType::result_type_of`, highest first: tensors with
/// dimensions, 0-d tensors, Python numbers (a float counts as the default float dtype, an int as
/// int64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// A tensor with at least one dimension.
    Dimensioned = 0,
    /// A 0-d tensor.
    ZeroDim = 1,
    /// A Rust or Python number.
    Number = 2,
}

/// The result of a priority level (`higher`) with the levels below it (`lower`), as PyTorch's
/// `combine_categories`.
fn combine(higher: Option<DType>, lower: Option<DType>) -> Option<DType> {
    let (Some(higher), Some(lower)) = (higher, lower) else {
        return higher.or(lower);
    };
    Some(
        if !higher.is_floating() && (higher == DType::Bool || lower.is_floating()) {
            DType::promote(higher, lower)
        } else {
            higher
        },
    )
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::*;

    #[test]
    fn promotion_mixes_signedness_and_16_bit_floats_as_pytorch() {
        assert_eq!(DType::promote(UInt8, Int8), Int16);
        assert_eq!(DType::promote(Int8, Int16), Int16);
        assert_eq!(DType::promote(UInt8, Int32), Int32);
        assert_eq!(DType::promote(Float16, BFloat16), Float32);
        assert_eq!(DType::promote(Int64, Float16), Float16);
        assert_eq!(DType::promote(Bool, UInt8), UInt8);
        for a in DType::ALL {
            for b in DType::ALL {
                assert_eq!(DType::promote(a, b), DType::promote(b, a));
            }
        }
    }

    #[test]
    fn lower_priorities_count_only_when_they_raise_the_category() {
        use Priority::*;
        let of = |ops: &[(DType, Priority)]| DType::result_type_of(ops.iter().copied());
        assert_eq!(of(&[(UInt8, Dimensioned), (Int64, Number)]), Some(UInt8));
        assert_eq!(
            of(&[(UInt8, Dimensioned), (Float64, ZeroDim)]),
            Some(Float64)
        );
        assert_eq!(
            of(&[(Float16, Dimensioned), (Float64, ZeroDim)]),
            Some(Float16)
        );
        assert_eq!(
            of(&[(Int32, Dimensioned), (Float32, Number)]),
            Some(Float32)
        );
        assert_eq!(of(&[(Bool, Dimensioned), (UInt8, ZeroDim)]), Some(UInt8));
        assert_eq!(of(&[(UInt8, ZeroDim), (Int8, Dimensioned)]), Some(Int8));
        assert_eq!(of(&[(Float16, ZeroDim), (Float32, Number)]), Some(Float16));
        assert_eq!(of(&[]), None);
        assert_eq!(UInt8.with_python_scalar(Category::Integer), UInt8);
        assert_eq!(Bool.with_python_scalar(Category::Integer), Int64);
    }
}
