//! The ordered name → tensor map of a model's state (PyTorch's `state_dict()`).

use rustc_hash::FxHashMap;

use crate::tensor::Tensor;

/// Tensors by dotted name, in insertion order, as PyTorch's `OrderedDict` state dicts.
///
/// ```
/// use ferrograd::nn::StateDict;
/// use ferrograd::Tensor;
///
/// let mut state = StateDict::new();
/// state.insert("fc.weight", Tensor::from(vec![1.0f32, 2.0]));
/// state.insert("fc.bias", Tensor::from(0.5f32));
/// assert_eq!(state.keys(), ["fc.weight", "fc.bias"]);
/// assert_eq!(state.get("fc.bias").unwrap().item().unwrap(), 0.5);
/// ```
#[derive(Clone, Debug, Default)]
pub struct StateDict {
    entries: Vec<(String, Tensor)>,
    index: FxHashMap<String, usize>,
}

impl StateDict {
    /// An empty state dict.
    pub fn new() -> StateDict {
        StateDict::default()
    }

    /// Sets `name` to `tensor`: replaces the tensor in place if the name is there, else appends.
    pub fn insert(&mut self, name: impl Into<String>, tensor: Tensor) {
        let name = name.into();
        match self.index.get(&name) {
            Some(&i) => self.entries[i].1 = tensor,
            None => {
                self.index.insert(name.clone(), self.entries.len());
                self.entries.push((name, tensor));
            }
        }
    }

    /// The tensor stored under `name`.
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.index.get(name).map(|&i| &self.entries[i].1)
    }

    /// The names, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.entries.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// `(name, tensor)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Tensor)> {
        self.entries.iter().map(|(k, t)| (k.as_str(), t))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl FromIterator<(String, Tensor)> for StateDict {
    fn from_iter<I: IntoIterator<Item = (String, Tensor)>>(iter: I) -> StateDict {
        let mut state = StateDict::new();
        for (name, tensor) in iter {
            state.insert(name, tensor);
        }
        state
    }
}

impl IntoIterator for StateDict {
    type Item = (String, Tensor);
    type IntoIter = std::vec::IntoIter<(String, Tensor)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}
