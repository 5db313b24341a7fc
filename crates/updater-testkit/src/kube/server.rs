//! [`FakeApiServer`]: the server thread and the test-facing API over its state.

use std::{
    fs,
    net::{Ipv4Addr, SocketAddr, TcpListener},
    path::{Path, PathBuf},
    sync::{Arc, atomic::Ordering},
    thread,
};

use axum::Router;
use serde_json::Value;
use tokio::{runtime::Runtime, sync::oneshot};

use super::{
    error::FakeApiError,
    handler::{Shared, handle},
    journal::{Fault, LoggedRequest, Mutation},
    lock,
    resource::ResourceType,
};

/// A running fake kube-apiserver; stopped (open watches cut) when dropped.
///
/// It runs on its own thread and runtime, so it works from sync tests and from any async
/// runtime alike.
#[derive(Debug)]
pub struct FakeApiServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl FakeApiServer {
    /// Binds a free loopback port and starts serving the default resources.
    pub fn start() -> Result<Self, FakeApiError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(FakeApiError::Bind)?;
        listener.set_nonblocking(true).map_err(FakeApiError::Bind)?;
        let addr = listener.local_addr().map_err(FakeApiError::Bind)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(FakeApiError::Runtime)?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(FakeApiError::Bind)?
        };
        let shared = Arc::new(Shared::new());
        let router = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel();
        let thread = thread::Builder::new()
            .name("fake-kube-apiserver".to_owned())
            .spawn(move || serve(runtime, listener, router, stopped))
            .map_err(FakeApiError::Thread)?;
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The server URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig whose current context points at this server without authentication,
    /// with `default` as the namespace.
    pub fn kubeconfig_yaml(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\n\
             contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    \
             namespace: default\ncurrent-context: fake\nusers:\n- name: fake\n  user: {{}}\n",
            self.url()
        )
    }

    /// Writes [`Self::kubeconfig_yaml`] to `<dir>/kubeconfig` and returns its path.
    pub fn write_kubeconfig(&self, dir: &Path) -> Result<PathBuf, FakeApiError> {
        let path = dir.join("kubeconfig");
        match fs::write(&path, self.kubeconfig_yaml()) {
            Ok(()) => Ok(path),
            Err(source) => Err(FakeApiError::Kubeconfig { path, source }),
        }
    }

    /// Serves another resource (or replaces the one with the same group, version and plural).
    pub fn register(&self, resource: ResourceType) {
        lock(&self.shared.store).register(resource);
    }

    /// Seeds an object of the resource `api_version` + plural-or-kind, creating or replacing
    /// it as given (status included; uid, creationTimestamp and generation filled in when
    /// absent), with a fresh resourceVersion and an ADDED or MODIFIED event. Returns the
    /// stored object.
    pub fn insert(
        &self,
        api_version: &str,
        resource: &str,
        object: Value,
    ) -> Result<Value, FakeApiError> {
        let mut store = lock(&self.shared.store);
        let resource_type = find(&store, api_version, resource)?;
        store
            .seed(&resource_type, object)
            .map_err(|failure| FakeApiError::Seed {
                resource: resource_type.qualified(),
                message: failure.message,
            })
    }

    /// The stored object, if any; `namespace` is ignored for cluster-scoped resources.
    pub fn get(
        &self,
        api_version: &str,
        resource: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let store = lock(&self.shared.store);
        let resource_type = find(&store, api_version, resource).ok()?;
        store
            .get(&resource_type, namespace.unwrap_or_default(), name)
            .ok()
    }

    /// Deletes a stored object as a DELETE would (DELETED event); returns its last state.
    pub fn remove(
        &self,
        api_version: &str,
        resource: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let mut store = lock(&self.shared.store);
        let resource_type = find(&store, api_version, resource).ok()?;
        store
            .delete(&resource_type, namespace.unwrap_or_default(), name, None)
            .ok()
    }

    /// Every stored object of every resource whose plural or kind is `resource` (core and
    /// `events.k8s.io` Events are both `events`), ordered by namespace and name per resource.
    pub fn objects(&self, resource: &str) -> Vec<Value> {
        let store = lock(&self.shared.store);
        let resources = store.resources_named(resource);
        resources.iter().flat_map(|r| store.list(r, None)).collect()
    }

    /// The current global resourceVersion.
    pub fn resource_version(&self) -> u64 {
        lock(&self.shared.store).resource_version()
    }

    /// Forgets the change history, like an etcd compaction: a watch from an older
    /// resourceVersion then gets `410 Expired`.
    pub fn compact(&self) {
        lock(&self.shared.store).compact();
    }

    /// Ends every open watch (their responses end, as when the apiserver restarts or a proxy
    /// times out); clients resume from their last resourceVersion, or re-list after a
    /// [`Self::compact`].
    pub fn drop_watches(&self) {
        lock(&self.shared.store).drop_watches();
    }

    /// Every request received so far, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Answers the next `method` request whose path starts with `path_prefix` with a `Status`
    /// failure of HTTP `status` (reason as the apiserver would give it, e.g. 409 `Conflict`,
    /// 500 `InternalError`) instead of serving it. Faults queue up and each fires once.
    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16) {
        lock(&self.shared.faults).push(Fault {
            method: method.to_owned(),
            path_prefix: path_prefix.to_owned(),
            status,
        });
    }

    /// Simulates a concurrent writer: when the next `method` request whose path starts with
    /// `path_prefix` arrives, `edit` is first applied to the stored object that request's path
    /// names, and stored as another client's update of the main resource would be (a new
    /// resourceVersion, the generation bumped on a spec change, a MODIFIED event, the `.status`
    /// of a subresource untouched); then the request is served as usual. A write carrying the
    /// resourceVersion read before therefore gets the real `409 Conflict`.
    ///
    /// Each mutation fires once, in queue order, before any injected fault. It is spent without
    /// effect when the path names no stored object (e.g. a collection). `edit` runs under the
    /// store lock: it must not call back into the server.
    pub fn mutate_before_next(
        &self,
        method: &str,
        path_prefix: &str,
        edit: impl FnOnce(&mut Value) + Send + 'static,
    ) {
        lock(&self.shared.mutations).push(Mutation {
            method: method.to_owned(),
            path_prefix: path_prefix.to_owned(),
            edit: Box::new(edit),
        });
    }

    /// How many [`Self::mutate_before_next`] edits changed an object so far.
    pub fn mutations_applied(&self) -> usize {
        self.shared.mutations_applied.load(Ordering::SeqCst)
    }

    /// How many `409 Conflict` answers (stale resourceVersions and injected ones, not
    /// `AlreadyExists`) were sent.
    pub fn conflicts_served(&self) -> usize {
        self.shared.conflicts.load(Ordering::SeqCst)
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // Err only means the server thread is gone already.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The resource `api_version` + plural-or-kind, or [`FakeApiError::UnknownResource`].
fn find(
    store: &super::store::Store,
    api_version: &str,
    resource: &str,
) -> Result<ResourceType, FakeApiError> {
    store
        .resource(api_version, resource)
        .ok_or_else(|| FakeApiError::UnknownResource {
            api_version: api_version.to_owned(),
            resource: resource.to_owned(),
        })
}

/// The server thread: serves until told to stop, then drops the runtime, which cancels the
/// connection tasks (open watches would otherwise never end).
fn serve(
    runtime: Runtime,
    listener: tokio::net::TcpListener,
    router: Router,
    stopped: oneshot::Receiver<()>,
) {
    runtime.block_on(async move {
        tokio::select! {
            _ = axum::serve(listener, router) => {}
            _ = stopped => {}
        }
    });
}
