//! Hooks attached to nodes: user functions called with gradients as backward runs. Each hook
//! gets an id when registered; `HookHandle::remove` takes it off again.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use super::arena::{self, NodeId, NodeRef};
use super::NodeHandle;
use crate::error::{Error, Result};
use crate::tensor::{Tensor, TensorCell};

/// Called with the gradient of one output of a node before the node runs; may return a
/// replacement gradient (`Tensor.register_hook`).
pub type GradHook = Arc<dyn Fn(&Tensor) -> Result<Option<Tensor>> + Send + Sync>;
/// Called with the gradients of a node's outputs before it runs; may replace them
/// (`grad_fn.register_prehook`).
pub type PreHook =
    Arc<dyn Fn(&[Option<Tensor>]) -> Result<Option<Vec<Option<Tensor>>>> + Send + Sync>;
/// Called with the gradients a node computed for its inputs and the gradients of its
/// outputs; may replace the former (`grad_fn.register_hook`).
pub type PostHook = Arc<
    dyn Fn(&[Option<Tensor>], &[Option<Tensor>]) -> Result<Option<Vec<Option<Tensor>>>>
        + Send
        + Sync,
>;
/// Called after a leaf's gradient was accumulated (the closure knows its leaf).
pub type PostAccumulateHook = Arc<dyn Fn() -> Result<()> + Send + Sync>;

/// The host language's object behind a hook (the binding's Python callable). The engine only
/// keeps it, so that the host's garbage collector can find what a graph keeps alive
/// (`Tensor::visit_owned_hook_objects`) and break cycles through it (`Tensor::clear_owned_hooks`).
pub type HostObject = Arc<dyn Any + Send + Sync>;

/// What the engine knows of a hook besides its function.
#[derive(Clone, Default)]
pub struct HookInfo {
    /// The name errors give the hook ("hook 'NAME' has changed the size of value"):
    /// `<unknown>` when `None`, as PyTorch says of a callable without `__name__`.
    pub name: Option<String>,
    /// The host language's object behind the hook, kept so the host's garbage collector sees it.
    pub host: Option<HostObject>,
}

impl HookInfo {
    /// The hook's name for error messages (`<unknown>` when it has none).
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("<unknown>")
    }
}

/// A hook as registered: its id (for removal), its function and what else is known of it.
pub struct Registered<F> {
    /// The id that removes it again.
    pub id: u64,
    /// The function.
    pub hook: F,
    /// Its name and host object.
    pub info: HookInfo,
}

impl<F: Clone> Registered<F> {
    /// The function and its info, to call with the arena lock released.
    pub(super) fn to_call(&self) -> (F, HookInfo) {
        (self.hook.clone(), self.info.clone())
    }
}

/// Every hook registered on one graph node, by kind.
#[derive(Default)]
pub struct NodeHooks {
    /// Tensor hooks: (output number, hook), run in registration order.
    pub tensor_pre: Vec<(u32, Registered<GradHook>)>,
    /// Pre-hooks (`grad_fn.register_prehook`), run in registration order.
    pub pre: Vec<Registered<PreHook>>,
    /// Post-hooks (`grad_fn.register_hook`), run in registration order.
    pub post: Vec<Registered<PostHook>>,
    /// Hooks run after a leaf's gradient was accumulated.
    pub post_accumulate: Vec<Registered<PostAccumulateHook>>,
    /// Outputs whose gradient is kept in their tensor's `.grad` (`retain_grad()`).
    pub retain: Vec<(u32, Weak<TensorCell>)>,
}

/// Hooks taken off a node, to be dropped once the arena lock is released: dropping a host
/// object may free tensors, and so nodes, which takes the lock.
#[derive(Default)]
struct Removed {
    hooks: Vec<Box<dyn Any + Send>>,
}

impl Removed {
    fn keep<F: Send + 'static>(&mut self, removed: impl IntoIterator<Item = F>) {
        self.hooks.extend(
            removed
                .into_iter()
                .map(|r| Box::new(r) as Box<dyn Any + Send>),
        );
    }

    fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }
}

/// Moves the entries of `hooks` that `remove` picks into `removed`.
fn take_where<T: Send + 'static>(
    hooks: &mut Vec<T>,
    removed: &mut Removed,
    remove: impl Fn(&T) -> bool,
) {
    if hooks.iter().any(&remove) {
        let (gone, kept): (Vec<T>, Vec<T>) =
            std::mem::take(hooks).into_iter().partition(|h| remove(h));
        *hooks = kept;
        removed.keep(gone);
    }
}

impl NodeHooks {
    /// Whether the node has no hook and retains no gradient.
    pub fn is_empty(&self) -> bool {
        self.tensor_pre.is_empty()
            && self.pre.is_empty()
            && self.post.is_empty()
            && self.post_accumulate.is_empty()
            && self.retain.is_empty()
    }

    /// Takes off the hooks that `remove` picks (by id and info); they go to `removed`.
    fn take(&mut self, removed: &mut Removed, remove: impl Fn(u64, &HookInfo) -> bool) {
        take_where(&mut self.tensor_pre, removed, |(_, r)| {
            remove(r.id, &r.info)
        });
        take_where(&mut self.pre, removed, |r| remove(r.id, &r.info));
        take_where(&mut self.post, removed, |r| remove(r.id, &r.info));
        take_where(&mut self.post_accumulate, removed, |r| {
            remove(r.id, &r.info)
        });
    }

    /// Calls `visit` with the host object of every hook.
    fn visit_hosts<E>(
        &self,
        visit: &mut impl FnMut(&HostObject) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let infos = (self.tensor_pre.iter().map(|(_, r)| &r.info))
            .chain(self.pre.iter().map(|r| &r.info))
            .chain(self.post.iter().map(|r| &r.info))
            .chain(self.post_accumulate.iter().map(|r| &r.info));
        for info in infos {
            if let Some(host) = &info.host {
                visit(host)?;
            }
        }
        Ok(())
    }
}

static NEXT_HOOK_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_HOOK_ID.fetch_add(1, Ordering::Relaxed)
}

/// A registered hook; `remove()` unregisters it.
#[derive(Clone, Debug)]
pub struct HookHandle {
    node: NodeHandle,
    id: u64,
}

impl HookHandle {
    /// Unregisters the hook; `false` when it was already removed.
    pub fn remove(&self) -> bool {
        self.node.remove_hook(self.id)
    }

    /// The hook's id, unique in the process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The node the hook is registered on.
    pub fn node(&self) -> &NodeHandle {
        &self.node
    }
}

impl NodeHandle {
    fn register(&self, add: impl FnOnce(&mut NodeHooks, u64)) -> HookHandle {
        let id = next_id();
        self.with_hooks(|h| add(h, id));
        HookHandle {
            node: self.clone(),
            id,
        }
    }

    /// Runs `hook` with the gradients of this node's outputs before the node runs.
    pub fn register_prehook(&self, hook: PreHook) -> HookHandle {
        self.register_prehook_with(hook, HookInfo::default())
    }

    /// `register_prehook` with a name for errors and a host object.
    pub fn register_prehook_with(&self, hook: PreHook, info: HookInfo) -> HookHandle {
        self.register(|h, id| h.pre.push(Registered { id, hook, info }))
    }

    /// Runs `hook` with (input gradients, output gradients) after this node ran.
    pub fn register_hook(&self, hook: PostHook) -> HookHandle {
        self.register_hook_with(hook, HookInfo::default())
    }

    /// `register_hook` with a name for errors and a host object.
    pub fn register_hook_with(&self, hook: PostHook, info: HookInfo) -> HookHandle {
        self.register(|h, id| h.post.push(Registered { id, hook, info }))
    }

    /// Removes the hook with this id, wherever it was registered on this node.
    pub fn remove_hook(&self, id: u64) -> bool {
        let mut removed = Removed::default();
        self.with_hooks(|h| h.take(&mut removed, |i, _| i == id));
        let found = !removed.is_empty();
        drop(removed); // after the arena lock
        found
    }
}

impl Tensor {
    /// Runs `hook` with this tensor's gradient each time one is computed; a returned tensor
    /// replaces the gradient (it must have the gradient's shape, dtype and device).
    pub fn register_hook(&self, hook: GradHook) -> Result<HookHandle> {
        self.register_hook_with(hook, HookInfo::default())
    }

    /// `register_hook` with a name for errors and a host object.
    pub fn register_hook_with(&self, hook: GradHook, info: HookInfo) -> Result<HookHandle> {
        let (node, nr) = self.gradient_edge().ok_or_else(|| {
            Error::Autograd(
                "cannot register a hook on a tensor that doesn't require gradient".into(),
            )
        })?;
        let node = NodeHandle(node);
        Ok(node.register(|h, id| h.tensor_pre.push((nr, Registered { id, hook, info }))))
    }

    /// Runs `hook` after a gradient was accumulated into this leaf's `.grad`.
    pub fn register_post_accumulate_grad_hook(
        &self,
        hook: PostAccumulateHook,
    ) -> Result<HookHandle> {
        self.register_post_accumulate_grad_hook_with(hook, HookInfo::default())
    }

    /// `register_post_accumulate_grad_hook` with a name and a host object.
    pub fn register_post_accumulate_grad_hook_with(
        &self,
        hook: PostAccumulateHook,
        info: HookInfo,
    ) -> Result<HookHandle> {
        if !self.is_leaf() {
            return Err(Error::Autograd(
                "post accumulate grad hooks cannot be registered on non-leaf tensors".into(),
            ));
        }
        let (node, _) = self.gradient_edge().ok_or_else(|| {
            Error::Autograd(
                "cannot register a hook on a tensor that doesn't require gradient".into(),
            )
        })?;
        Ok(
            NodeHandle(node)
                .register(|h, id| h.post_accumulate.push(Registered { id, hook, info })),
        )
    }

    /// The node whose hooks this tensor alone keeps alive: its `grad_fn` (or its leaf's
    /// `AccumulateGrad` node) when this handle is the only one to the tensor and the tensor
    /// holds the only reference to the node. Such a node is reachable only through this handle,
    /// so whatever its hooks hold is held by the handle's owner.
    fn owned_node(&self) -> Option<NodeId> {
        if Arc::strong_count(&self.0) != 1 {
            return None;
        }
        let meta = self.meta();
        meta.grad_fn
            .as_ref()
            .or(meta.accumulator.as_ref())
            .map(NodeRef::id)
    }

    /// Calls `visit` with the host object of every hook this tensor alone keeps alive (see
    /// `owned_node`): what a host's garbage collector must see as held by the object that owns
    /// this handle (Python's `tp_traverse`). Visits nothing when the arena is locked by another
    /// thread (a collector must not block); drops and frees nothing.
    pub fn visit_owned_hook_objects<E>(
        &self,
        visit: impl FnMut(&HostObject) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        match self.owned_node() {
            Some(id) => visit_hosts_of_owned(id, visit),
            None => Ok(()),
        }
    }

    /// Removes the hooks with a host object from the node this tensor alone keeps alive (see
    /// `owned_node`): a host's garbage collector breaking a cycle through them (Python's
    /// `tp_clear`). The removed hooks are dropped after the arena lock is released.
    pub fn clear_owned_hooks(&self) {
        if let Some(id) = self.owned_node() {
            clear_hosts_of_owned(id);
        }
    }
}

impl NodeHandle {
    /// `Tensor::visit_owned_hook_objects` for a node that this handle alone references.
    pub fn visit_owned_hook_objects<E>(
        &self,
        visit: impl FnMut(&HostObject) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        visit_hosts_of_owned(self.0.id(), visit)
    }

    /// `Tensor::clear_owned_hooks` for a node that this handle alone references.
    pub fn clear_owned_hooks(&self) {
        clear_hosts_of_owned(self.0.id());
    }
}

/// Visits the host objects of node `id`'s hooks if the caller's reference is its only one.
fn visit_hosts_of_owned<E>(
    id: NodeId,
    mut visit: impl FnMut(&HostObject) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let Some(arena) = arena::try_lock() else {
        return Ok(());
    };
    match arena.get(id).hooks() {
        Some(hooks) if arena.refs(id) == 1 => hooks.visit_hosts(&mut visit),
        _ => Ok(()),
    }
}

/// Takes the hooks with a host object off node `id` if the caller's reference is its only
/// one, and drops them once the arena lock is released.
fn clear_hosts_of_owned(id: NodeId) {
    let mut removed = Removed::default();
    {
        let mut arena = arena::lock();
        if arena.refs(id) == 1 {
            if let Some(extras) = arena.get_mut(id).extras.as_deref_mut() {
                extras
                    .hooks
                    .take(&mut removed, |_, info| info.host.is_some());
            }
        }
    }
    drop(removed);
}
