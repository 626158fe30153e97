//! One input of a graph node, packed into 32 bytes: the edge its gradient follows (if any) and
//! what that gradient must look like (shape, dtype, device), used to reduce broadcast gradients
//! and cast them to the input's dtype. Shapes of up to three dimensions that fit in `u32` are
//! kept inline; larger ones are boxed. Every node holds one of these per input, so their size
//! is most of a long graph's memory.

use smallvec::SmallVec;

use super::arena::{Edge, NodeId};
use crate::array::{DType, Device, Dims};

const INLINE_DIMS: usize = 3;
const HAS_EDGE: u8 = 1;
const ON_CUDA: u8 = 2;
const ON_META: u8 = 4;

#[derive(Clone)]
pub struct NodeInput {
    /// The edge's node and slot; meaningful only with `HAS_EDGE`.
    node: NodeId,
    input_nr: u32,
    /// The CUDA ordinal (with `ON_CUDA`).
    ordinal: u32,
    shape: PackedShape,
}

/// The shape, with the dtype and flags in what would otherwise be padding.
#[derive(Clone)]
enum PackedShape {
    Inline {
        ndim: u8,
        dtype: DType,
        flags: u8,
        dims: [u32; INLINE_DIMS],
    },
    Boxed {
        dtype: DType,
        flags: u8,
        dims: Box<Dims>,
    },
}

impl NodeInput {
    pub fn new(edge: Option<Edge>, shape: &[usize], dtype: DType, device: Device) -> NodeInput {
        let (ordinal, mut flags) = match device {
            Device::Cpu => (0, 0),
            Device::Cuda(ordinal) => (ordinal, ON_CUDA),
            Device::Meta => (0, ON_META),
        };
        let (node, input_nr) = match edge {
            Some(edge) => {
                flags |= HAS_EDGE;
                (edge.node, edge.input_nr)
            }
            None => (NodeId::DANGLING, 0),
        };
        let shape = match inline_dims(shape) {
            Some(dims) => PackedShape::Inline {
                ndim: shape.len() as u8,
                dtype,
                flags,
                dims,
            },
            None => PackedShape::Boxed {
                dtype,
                flags,
                dims: Box::new(shape.into()),
            },
        };
        NodeInput {
            node,
            input_nr,
            ordinal,
            shape,
        }
    }

    /// An input without a gradient edge yet, described from its array.
    pub fn describe(array: &crate::array::NdArray) -> NodeInput {
        NodeInput::new(None, array.shape(), array.dtype(), array.device())
    }

    /// Sets where the gradient of this input goes (`None`: nowhere).
    pub fn set_edge(&mut self, edge: Option<Edge>) {
        let flags = match &mut self.shape {
            PackedShape::Inline { flags, .. } | PackedShape::Boxed { flags, .. } => flags,
        };
        match edge {
            Some(edge) => {
                *flags |= HAS_EDGE;
                (self.node, self.input_nr) = (edge.node, edge.input_nr);
            }
            None => {
                *flags &= !HAS_EDGE;
                (self.node, self.input_nr) = (NodeId::DANGLING, 0);
            }
        }
    }

    fn flags(&self) -> u8 {
        match self.shape {
            PackedShape::Inline { flags, .. } | PackedShape::Boxed { flags, .. } => flags,
        }
    }

    /// Where the gradient of this input goes (`None` when the input needs no gradient).
    pub fn edge(&self) -> Option<Edge> {
        (self.flags() & HAS_EDGE != 0).then_some(Edge {
            node: self.node,
            input_nr: self.input_nr,
        })
    }

    pub fn dtype(&self) -> DType {
        match self.shape {
            PackedShape::Inline { dtype, .. } | PackedShape::Boxed { dtype, .. } => dtype,
        }
    }

    pub fn device(&self) -> Device {
        if self.flags() & ON_CUDA != 0 {
            Device::Cuda(self.ordinal)
        } else if self.flags() & ON_META != 0 {
            Device::Meta
        } else {
            Device::Cpu
        }
    }

    pub fn shape(&self) -> Dims {
        match &self.shape {
            PackedShape::Inline { ndim, dims, .. } => {
                dims[..*ndim as usize].iter().map(|&d| d as usize).collect()
            }
            PackedShape::Boxed { dims, .. } => (**dims).clone(),
        }
    }

    /// Whether the input has exactly this shape (without building it).
    pub fn shape_is(&self, shape: &[usize]) -> bool {
        match &self.shape {
            PackedShape::Inline { ndim, dims, .. } => {
                *ndim as usize == shape.len()
                    && dims.iter().zip(shape).all(|(&a, &b)| a as usize == b)
            }
            PackedShape::Boxed { dims, .. } => dims.as_slice() == shape,
        }
    }
}

fn inline_dims(shape: &[usize]) -> Option<[u32; INLINE_DIMS]> {
    if shape.len() > INLINE_DIMS {
        return None;
    }
    let mut dims = [0u32; INLINE_DIMS];
    for (slot, &d) in dims.iter_mut().zip(shape) {
        *slot = u32::try_from(d).ok()?;
    }
    Some(dims)
}

/// The inputs of one node; two inline (most operations are unary or binary).
pub type NodeInputs = SmallVec<[NodeInput; 2]>;

#[cfg(test)]
mod tests {
    use super::*;

    fn edge() -> Option<Edge> {
        Some(Edge {
            node: NodeId::DANGLING,
            input_nr: 7,
        })
    }

    #[test]
    fn round_trips_inline_and_boxed_shapes() {
        for shape in [
            &[][..],
            &[3],
            &[2, 5],
            &[1, 2, 3],
            &[1, 2, 3, 4],
            &[usize::MAX / 2, 1],
        ] {
            let input = NodeInput::new(edge(), shape, DType::Float64, Device::Cuda(3));
            assert_eq!(input.shape().as_slice(), shape);
            assert!(input.shape_is(shape));
            assert!(!input.shape_is(&[9]));
            assert_eq!(input.dtype(), DType::Float64);
            assert_eq!(input.device(), Device::Cuda(3));
            assert_eq!(input.edge().map(|e| e.input_nr), Some(7));
        }
    }

    #[test]
    fn keeps_the_meta_device() {
        let input = NodeInput::new(edge(), &[2, 3], DType::Float32, Device::Meta);
        assert_eq!(input.device(), Device::Meta);
        assert_eq!(input.shape().as_slice(), &[2, 3]);
    }

    #[test]
    fn no_edge_and_cpu() {
        let input = NodeInput::new(None, &[4], DType::Int32, Device::Cpu);
        assert!(input.edge().is_none());
        assert_eq!(input.device(), Device::Cpu);
        assert_eq!(input.dtype(), DType::Int32);
    }

    #[test]
    fn is_at_most_32_bytes() {
        assert!(
            std::mem::size_of::<NodeInput>() <= 32,
            "NodeInput is {} bytes",
            std::mem::size_of::<NodeInput>()
        );
    }
}
