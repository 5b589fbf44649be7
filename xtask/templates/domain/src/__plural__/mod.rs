//! The {{ plural.snake }} module: what a {{ entity.prose }} is, the rules of its fields, and the change
//! detection behind `update{{ entity.pascal }}`.

mod drafts;
mod model;

pub use drafts::{ {{- entity.pascal }}Draft, {{ entity.pascal }}Patch, {{ entity.pascal }}PatchDraft};
pub use model::{ {{- entity.pascal }}, {{ entity.pascal }}Fields, {{ entity.pascal }}Id};

#[cfg(test)]
mod tests;
