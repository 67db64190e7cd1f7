//! Entry point of the playground's WebAssembly build.

fn main() {
    #[cfg(target_arch = "wasm32")]
    clusterlab_web::app::start();
}
